// The releases index (the node's /): one row per release and project, with health over the chosen range, filters,
// sort, search and paging kept in the URL so that a link shares the view. One request per page of releases (the
// sparklines come with it); a custom range adds one sessions query for the page's releases.

import { get } from './api.js';
import * as fmt from './format.js';
import { sparkline } from './sparkline.js';
import {
  $, el, intervalFor, putRange, rangeFrom, rangeLabel, rangeParams, setStatus, showContent, showFailure, start,
  wireRange,
} from './page.js';

const DEFAULT_PER_PAGE = 25;
const SORTS = ['date', 'sessions', 'users', 'crash_free_sessions', 'crash_free_users', 'adoption'];

let settings = null;
let wired = false;
let generation = 0;
const environmentsByProject = new Map();

function readState() {
  const params = new URLSearchParams(location.search);
  const perPage = Number.parseInt(params.get('per_page') || '', 10);
  return {
    project: params.get('project') || '',
    environment: params.get('environment') || '',
    range: rangeFrom(params),
    sort: SORTS.includes(params.get('sort')) ? params.get('sort') : 'date',
    query: params.get('query') || '',
    cursor: params.get('cursor') || '',
    perPage: perPage >= 1 && perPage <= 100 ? perPage : DEFAULT_PER_PAGE,
  };
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.project) params.set('project', state.project);
  if (state.environment) params.set('environment', state.environment);
  putRange(params, state.range);
  if (state.sort !== 'date') params.set('sort', state.sort);
  if (state.query) params.set('query', state.query);
  if (state.perPage !== DEFAULT_PER_PAGE) params.set('per_page', String(state.perPage));
  if (state.cursor) params.set('cursor', state.cursor);
  const qs = params.toString();
  history.pushState(null, '', `/${qs ? `?${qs}` : ''}`);
}

/** Applies a change to the view: a new URL (a new history entry) and a new load; a filter change restarts paging. */
function change(patch) {
  const state = { ...readState(), cursor: '', ...patch };
  writeState(state);
  load(state);
}

function wire(state) {
  if (wired) {
    return;
  }
  wired = true;
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('f-project').addEventListener('change', (e) => change({ project: e.target.value, environment: '' }));
  $('f-environment').addEventListener('change', (e) => change({ environment: e.target.value }));
  $('f-sort').addEventListener('change', (e) => change({ sort: e.target.value }));
  let typing = null;
  $('f-query').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => change({ query: e.target.value.trim() }), 300);
  });
  $('f-query').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      clearTimeout(typing);
      change({ query: e.target.value.trim() });
    }
  });
  wireRange(state.range, (range) => change({ range }));
  for (const th of document.querySelectorAll('#releases th[data-sort]')) {
    const label = th.firstChild.textContent.trim();
    const button = el('button', { type: 'button', className: 'sort', title: `Sort by ${label.toLowerCase()}` });
    while (th.firstChild) {
      button.append(th.firstChild);
    }
    th.append(button);
    button.addEventListener('click', () => change({ sort: th.dataset.sort }));
  }
  $('page-prev').addEventListener('click', () => pageTo($('page-prev').dataset.cursor));
  $('page-next').addEventListener('click', () => pageTo($('page-next').dataset.cursor));
  window.addEventListener('popstate', () => load(readState()));
}

function pageTo(cursor) {
  const state = { ...readState(), cursor };
  writeState(state);
  load(state);
  $('main').focus();
}

function syncControls(state) {
  $('f-project').value = state.project;
  $('f-environment').value = state.environment;
  $('f-sort').value = state.sort;
  if (document.activeElement !== $('f-query')) {
    $('f-query').value = state.query;
  }
  $('f-range').value = state.range.period || 'custom';
  $('custom-range').hidden = !!state.range.period;
  for (const th of document.querySelectorAll('#releases th[data-sort]')) {
    if (th.dataset.sort === state.sort) {
      th.setAttribute('aria-sort', 'descending');
    } else {
      th.removeAttribute('aria-sort');
    }
  }
}

function fillProjects() {
  const select = $('f-project');
  if (select.options.length > 1) {
    return;
  }
  for (const p of settings.projects) {
    select.append(el('option', { value: String(p.id) }, p.name));
  }
}

async function fillEnvironments(state) {
  const key = state.project || '*';
  if (!environmentsByProject.has(key)) {
    const params = [['field', 'sum(session)'], ['groupBy', 'environment'], ['statsPeriod', '90d'],
      ['interval', '1d'], ['includeSeries', '0']];
    if (state.project) params.push(['project', state.project]);
    const answer = await get('sessions/', params);
    environmentsByProject.set(key, answer.json.groups.map((g) => g.by.environment).filter(Boolean).sort());
  }
  const select = $('f-environment');
  const names = environmentsByProject.get(key);
  if (state.environment && !names.includes(state.environment)) {
    names.push(state.environment);
  }
  select.replaceChildren(el('option', { value: '' }, 'All environments'),
    ...names.map((n) => el('option', { value: n }, n)));
  select.value = state.environment;
}

/** The summary period the releases API sorts and totals by: the preset, or the days a custom range reaches back. */
function summaryPeriod(range) {
  if (range.period) {
    return range.period;
  }
  return `${Math.max(1, Math.ceil((Date.now() - Date.parse(range.start)) / 86400000))}d`;
}

function releasesParams(state) {
  const params = [];
  if (state.project) params.push(['project', state.project]);
  if (state.environment) params.push(['environment', state.environment]);
  params.push(['health', '1'], ['adoptionStages', '1'], ['summaryStatsPeriod', summaryPeriod(state.range)],
    ['healthStatsPeriod', state.range.period === '24h' ? '24h' : '14d'], ['sort', state.sort],
    ['per_page', String(state.perPage)]);
  if (state.query) params.push(['query', state.query]);
  if (state.cursor) params.push(['cursor', state.cursor]);
  return params;
}

/** One sessions query for the page's releases over a custom range (the release index knows only periods). */
async function customTotals(state, releases) {
  const versions = [...new Set(releases.map((r) => r.version))].filter((v) => !v.includes('"'));
  if (versions.length === 0) {
    return { byKey: new Map(), url: '' };
  }
  const params = [['field', 'sum(session)'], ['field', 'count_unique(user)'], ['field', 'crash_free_rate(session)'],
    ['field', 'crash_free_rate(user)'], ['groupBy', 'release'], ['groupBy', 'project'],
    ...rangeParams(state.range), ['interval', intervalFor(state.range)],
    ['query', versions.map((v) => `release:"${v}"`).join(' ')], ['per_page', '5000']];
  if (state.project) params.push(['project', state.project]);
  if (state.environment) params.push(['environment', state.environment]);
  const answer = await get('sessions/', params);
  const byKey = new Map();
  for (const g of answer.json.groups) {
    byKey.set(`${g.by.release}\u0000${g.by.project}`, {
      sessions: g.totals['sum(session)'],
      users: g.totals['count_unique(user)'],
      crashFreeSessions: g.totals['crash_free_rate(session)'] === null ? null : g.totals['crash_free_rate(session)'] * 100,
      crashFreeUsers: g.totals['crash_free_rate(user)'] === null ? null : g.totals['crash_free_rate(user)'] * 100,
      series: answer.json.intervals.map((t, i) => [Date.parse(t) / 1000, g.series['sum(session)'][i]]),
    });
  }
  return { byKey, url: answer.url };
}

async function load(state) {
  const mine = ++generation;
  syncControls(state);
  const table = $('releases');
  table.setAttribute('aria-busy', 'true');
  setStatus($('status'), 'loading', `Loading releases for ${rangeLabel(state.range)}…`);
  try {
    if (!settings) {
      settings = (await get('dashboard/')).json;
      fillProjects();
      syncControls(state);
    }
    const [answer] = await Promise.all([get('releases/', releasesParams(state)), fillEnvironments(state)]);
    const custom = state.range.period ? null : await customTotals(state, answer.json);
    if (mine !== generation) {
      return; // a newer view was asked for meanwhile
    }
    render(state, answer, custom);
    // a User Timing mark, for whoever measures the page (the browser test records it): the first rows are in
    if (performance.getEntriesByName('releases-rendered').length === 0) performance.mark('releases-rendered');
  } catch (error) {
    if (mine === generation) {
      table.hidden = true;
      showFailure(error, $('status'));
    }
  } finally {
    table.setAttribute('aria-busy', 'false');
  }
}

function projectById(id) {
  return settings.projects.find((p) => String(p.id) === String(id));
}

function render(state, answer, custom) {
  const table = $('releases');
  const body = table.tBodies[0];
  const rows = [];
  for (const release of answer.json) {
    for (const project of release.projects || []) {
      if (state.project && String(project.id) !== state.project) {
        continue;
      }
      rows.push(row(state, release, project, custom));
    }
  }
  body.replaceChildren(...rows);
  table.dataset.api = answer.url;
  table.dataset.sessionsApi = custom ? custom.url : '';
  table.hidden = rows.length === 0;
  renderPager(answer.link, rows.length);
  if (rows.length === 0) {
    setStatus($('status'), 'empty', ...emptyState(state));
  } else {
    setStatus($('status'), '', '');
  }
}

function emptyState(state) {
  const filtered = state.query || state.environment || state.cursor;
  if (filtered) {
    return [`No releases match these filters in ${rangeLabel(state.range)}.`];
  }
  const projects = state.project ? [projectById(state.project)].filter(Boolean) : settings.projects;
  const dsns = projects.filter((p) => p.dsn).map((p) => el('li', {}, `${p.name}: `, el('code', {}, p.dsn)));
  return [el('strong', {}, 'No sessions yet: point an SDK at its DSN.'),
    el('ul', { className: 'dsns' }, ...dsns),
    el('p', {}, 'Releases appear here within seconds of their first session.')];
}

function renderPager(link, shown) {
  const prev = $('page-prev');
  const next = $('page-next');
  prev.disabled = !(link.previous && link.previous.results);
  next.disabled = !(link.next && link.next.results);
  prev.dataset.cursor = link.previous ? link.previous.cursor : '';
  next.dataset.cursor = link.next ? link.next.cursor : '';
  $('page-info').textContent = `${shown} ${shown === 1 ? 'row' : 'rows'}`;
}

function releaseHref(state, version, projectId) {
  const params = new URLSearchParams();
  params.set('project', String(projectId));
  if (state.environment) params.set('environment', state.environment);
  putRange(params, state.range);
  return `/releases/${encodeURIComponent(version)}?${params}`;
}

function crashFreeCell(value, threshold, kind) {
  const rating = value === null || value === undefined ? 'none' : value >= threshold ? 'good' : 'bad';
  return el('td', {
    className: `num c-${kind} rate ${rating}`,
    dataset: { value: value === null || value === undefined ? '' : String(value), threshold: String(threshold) },
    title: value === null || value === undefined ? 'no sessions in this range' :
      `${rating === 'good' ? 'at or above' : 'below'} the project's threshold of ${threshold}%`,
  }, fmt.percent(value));
}

function row(state, release, project, custom) {
  const health = project.healthData || {};
  const settingsProject = projectById(project.id) || { thresholds: { crashFreeUsers: 99.5, crashFreeSessions: 98 } };
  const totals = custom ? custom.byKey.get(`${release.version}\u0000${project.id}`) || {
    sessions: 0, users: 0, crashFreeSessions: null, crashFreeUsers: null, series: [],
  } : {
    sessions: health.totalSessions ?? 0,
    users: health.totalUsers ?? 0,
    crashFreeSessions: health.crashFreeSessions ?? null,
    crashFreeUsers: health.crashFreeUsers ?? null,
    series: health.stats ? health.stats[state.range.period === '24h' ? '24h' : '14d'] || Object.values(health.stats)[0] : [],
  };
  const stage = release.adoptionStages && release.adoptionStages[project.slug] ?
    release.adoptionStages[project.slug].stage : null;
  const released = release.dateReleased || release.dateCreated;
  const authors = release.authors || [];
  const adoption = health.adoption ?? null;
  const sessionsAdoption = health.sessionsAdoption ?? null;
  const deploy = release.lastDeploy;

  const versionLink = el('a', { href: releaseHref(state, release.version, project.id), title: release.version,
    className: 'version' }, fmt.shortVersion(release));
  const bar = el('span', { className: 'bar', attrs: { 'aria-hidden': 'true' } }, el('span', { className: 'fill' }));
  bar.firstChild.style.width = `${Math.max(0, Math.min(100, adoption || 0))}%`;

  return el('tr', { dataset: { version: release.version, project: String(project.id) } },
    el('th', { scope: 'row', className: 'c-version' }, versionLink),
    el('td', { className: 'c-project col-project' }, project.slug),
    el('td', { className: 'c-authors col-authors' }, authors.length === 0 ? '—' : el('span', { className: 'avatars' },
      ...authors.slice(0, 3).map((a) => el('span', { className: `avatar h${fmt.hue(a)}`,
        title: `${a.name || ''} <${a.email || ''}>`.trim() }, fmt.initials(a))),
      authors.length > 3 ? el('span', { className: 'more', title: authors.slice(3).map((a) => a.name || a.email).join(', ') },
        `+${authors.length - 3}`) : null)),
    el('td', { className: 'c-adoption', dataset: { users: adoption === null ? '' : String(adoption),
      sessions: sessionsAdoption === null ? '' : String(sessionsAdoption) },
    title: 'share of the project\'s users and sessions in the last 24 hours' },
    bar, el('span', { className: 'adoption-text' }, `${fmt.percent(adoption)} users`),
    el('span', { className: 'sub' }, `${fmt.percent(sessionsAdoption)} sessions`)),
    crashFreeCell(totals.crashFreeUsers, settingsProject.thresholds.crashFreeUsers, 'cfu'),
    crashFreeCell(totals.crashFreeSessions, settingsProject.thresholds.crashFreeSessions, 'cfs'),
    el('td', { className: 'num c-sessions', dataset: { value: String(totals.sessions) } }, fmt.count(totals.sessions)),
    el('td', { className: 'num c-users', dataset: { value: String(totals.users) } }, fmt.count(totals.users)),
    el('td', { className: 'c-spark col-spark' }, sparkline(totals.series)),
    el('td', { className: 'c-stage col-stage' }, stage ? el('span', { className: `stage ${stage}` }, fmt.stageName(stage)) : '—'),
    el('td', { className: 'c-released', title: `${release.dateReleased ? 'released' : 'first seen'} ${fmt.exactTime(released)}` },
      fmt.ago(released)),
    el('td', { className: 'c-deploy col-deploy', title: deploy ? fmt.exactTime(deploy.dateFinished) : '' },
      deploy ? `${deploy.environment} · ${fmt.ago(deploy.dateFinished)}` : '—'));
}

start(() => {
  showContent();
  const state = readState();
  wire(state);
  load(state);
});

