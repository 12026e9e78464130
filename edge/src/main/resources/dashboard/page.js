// What both pages share: building DOM (text only, never HTML strings, so that a release's name cannot inject
// markup), sign-in, loading and error states, and the time range kept in the URL.

import { ApiError, signIn, signOut, takeTokenFromFragment, token } from './api.js';

/** el('td', {className: 'num', title: '…', dataset: {value: 1}}, 'text', childNode, …) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'attrs') {
      for (const [name, v] of Object.entries(value)) {
        node.setAttribute(name, v);
      }
    } else {
      node[key] = value;
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

/**
 * Starts a page: takes a token from the URL's fragment, shows the sign-in form when there is none, wires the form
 * and the sign-out button, then runs the page.
 */
export function start(run) {
  takeTokenFromFragment();
  // a sign-in link opened in a tab that already shows the page changes only the fragment: no new page load
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('token')) {
      takeTokenFromFragment();
      location.reload();
    }
  });
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('signin-token').value);
    $('signin-token').value = '';
    $('signin').hidden = true;
    run();
  });
  $('sign-out').addEventListener('click', () => {
    signOut();
    showSignIn('Signed out. Sign in with a read token to see releases.');
  });
  if (!token()) {
    showSignIn('Sign in with a read token to see release health.');
    return;
  }
  run();
}

/** Hides the page and asks for a token, saying why. */
export function showSignIn(message) {
  $('content').hidden = true;
  $('sign-out').hidden = true;
  $('signin').hidden = false;
  $('signin-message').textContent = message;
  $('signin-token').focus();
}

/** Shows the page (signed in). */
export function showContent() {
  $('signin').hidden = true;
  $('content').hidden = false;
  $('sign-out').hidden = false;
}

/** A refused token asks to sign in again; any other failure is shown where the data would be. */
export function showFailure(error, statusElement) {
  if (error instanceof ApiError && error.refused) {
    showSignIn(`The node refused this token (${error.status}: ${error.detail}). ` +
      'Sign in with a read token of query.tokens; ingest keys cannot read.');
    return;
  }
  setStatus(statusElement, 'error', error instanceof ApiError ?
    `Could not load (${error.status || 'no answer'}): ${error.detail}` : `Could not load: ${error.message}`);
  if (!(error instanceof ApiError)) {
    console.warn(error);
  }
}

/** kind: 'loading' | 'error' | 'empty' | '' */
export function setStatus(element, kind, ...content) {
  element.className = `status ${kind}`;
  element.replaceChildren(...content.map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  element.setAttribute('aria-busy', kind === 'loading' ? 'true' : 'false');
}

export const PERIODS = ['24h', '7d', '14d', '30d', '90d'];

/**
 * The time range from the page's query string: a preset (statsPeriod) or a custom start/end (ISO dates or times).
 * @returns {{period: string}|{start: string, end: string}}
 */
export function rangeFrom(params) {
  const start = params.get('start');
  const end = params.get('end');
  if (start && end && !Number.isNaN(Date.parse(start)) && !Number.isNaN(Date.parse(end)) &&
      Date.parse(start) < Date.parse(end)) {
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  }
  const period = params.get('statsPeriod');
  return { period: PERIODS.includes(period) ? period : '24h' };
}

/** The sessions API's parameters for a range. */
export function rangeParams(range) {
  return range.period ? [['statsPeriod', range.period]] : [['start', range.start], ['end', range.end]];
}

/** A sensible interval for a range: hours up to two days, then 6 hours up to a week, else days. */
export function intervalFor(range) {
  const seconds = range.period ? { '24h': 86400, '7d': 7 * 86400 }[range.period] || 30 * 86400 :
    (Date.parse(range.end) - Date.parse(range.start)) / 1000;
  if (seconds <= 2 * 86400) {
    return '1h';
  }
  return seconds <= 7 * 86400 ? '6h' : '1d';
}

/** Writes the range into URLSearchParams. */
export function putRange(params, range) {
  params.delete('statsPeriod');
  params.delete('start');
  params.delete('end');
  if (range.period) {
    if (range.period !== '24h') {
      params.set('statsPeriod', range.period);
    }
  } else {
    params.set('start', range.start);
    params.set('end', range.end);
  }
}

/**
 * Wires the range select and the custom start/end inputs: calls onChange(range) with the new range.
 */
export function wireRange(range, onChange) {
  const select = $('f-range');
  const custom = $('custom-range');
  select.value = range.period || 'custom';
  custom.hidden = !!range.period;
  if (!range.period) {
    $('f-start').value = range.start.slice(0, 10);
    $('f-end').value = new Date(Date.parse(range.end) - 1).toISOString().slice(0, 10);
  }
  select.addEventListener('change', () => {
    if (select.value === 'custom') {
      custom.hidden = false;
      if (!$('f-start').value) {
        const now = Date.now();
        $('f-start').value = new Date(now - 7 * 86400000).toISOString().slice(0, 10);
        $('f-end').value = new Date(now).toISOString().slice(0, 10);
      }
      $('f-start').focus();
      return;
    }
    custom.hidden = true;
    onChange({ period: select.value });
  });
  $('f-apply').addEventListener('click', () => {
    const start = $('f-start').value;
    const end = $('f-end').value;
    if (!start || !end || start > end) {
      $('f-end').setCustomValidity('the end must be on or after the start');
      $('f-end').reportValidity();
      return;
    }
    $('f-end').setCustomValidity('');
    // whole UTC days, the end day included
    onChange({ start: `${start}T00:00:00.000Z`,
      end: new Date(Date.parse(`${end}T00:00:00.000Z`) + 86400000).toISOString() });
  });
}

/** The range in words, for headings and empty states. */
export function rangeLabel(range) {
  if (range.period) {
    return { '24h': 'the last 24 hours', '7d': 'the last 7 days', '14d': 'the last 14 days',
      '30d': 'the last 30 days', '90d': 'the last 90 days' }[range.period];
  }
  return `${range.start.slice(0, 10)} to ${new Date(Date.parse(range.end) - 1).toISOString().slice(0, 10)}`;
}

/** A CSS custom property's value (charts take their colours from the stylesheet, light or dark). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
