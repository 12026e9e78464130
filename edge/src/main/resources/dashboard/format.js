// How numbers, times and people are shown. Percentages keep two decimals (the API's value, rounded), so that a
// reader can compare the page with the API's answer.

const NONE = '—';

/** A percentage (0..100) or null. */
export function percent(value) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return NONE;
  }
  return value === 100 ? '100%' : `${value.toFixed(2)}%`;
}

/** A count: 12,345. */
export function count(value) {
  if (value === null || value === undefined) {
    return NONE;
  }
  return Math.round(value).toLocaleString('en-US');
}

/** A signed difference of percentage points or of a count. */
export function delta(value, unit = 'pp') {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return NONE;
  }
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const magnitude = Math.abs(value);
  if (unit === 'pp') {
    return `${sign}${magnitude.toFixed(2)} pp`;
  }
  if (unit === 's') {
    return `${sign}${duration(magnitude)}`;
  }
  return `${sign}${count(magnitude)}`;
}

/** Seconds as 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return NONE;
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** An ISO time as "3 h ago" (the exact time goes into a title). */
export function ago(iso, nowMs = Date.now()) {
  if (!iso) {
    return NONE;
  }
  const seconds = Math.max(0, (nowMs - Date.parse(iso)) / 1000);
  if (seconds < 60) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  if (seconds < 86400 * 60) {
    return `${Math.floor(seconds / 86400)} d ago`;
  }
  return new Date(iso).toISOString().slice(0, 10);
}

/** An ISO time, exactly, in UTC. */
export function exactTime(iso) {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC') : NONE;
}

/** Initials of an author: "Ada Lovelace" → AL, "ada@example.com" → A. */
export function initials(author) {
  const name = (author && (author.name || author.email)) || '?';
  const words = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

/** A colour index (0..7) from an author's email or name, stable across pages. */
export function hue(author) {
  const text = (author && (author.email || author.name)) || '';
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    h = (h * 31 + text.charCodeAt(i)) >>> 0;
  }
  return h % 8;
}

/** The version as shown: Sentry's shortVersion when the API gives one that differs, else the version. */
export function shortVersion(release) {
  return release.shortVersion || release.version;
}

/** Adoption stage names as Sentry shows them. */
export function stageName(stage) {
  return { low_adoption: 'Low adoption', adopted: 'Adopted', replaced: 'Replaced' }[stage] || NONE;
}
