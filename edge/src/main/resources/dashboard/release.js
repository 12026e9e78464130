// A release's details (/releases/{version}): health over time from the sessions API, the release against the
// previous one and the project, and what the releases registry knows (commits, files, authors, deploys).

import { ApiError, get } from './api.js';
import * as fmt from './format.js';
import { percentRange, timeChart } from './charts.js';
import {
  $, el, intervalFor, putRange, rangeFrom, rangeLabel, rangeParams, setStatus, showContent, showFailure, start,
  wireRange,
} from './page.js';

const STATUSES = [
  ['healthy', 'Healthy', '--status-healthy'], ['errored', 'Errored', '--status-errored'],
  ['crashed', 'Crashed', '--status-crashed'], ['abnormal', 'Abnormal', '--status-abnormal'],
  ['unhandled', 'Unhandled', '--status-unhandled'],
];
const FIELDS = ['sum(session)', 'count_unique(user)', 'crash_free_rate(session)', 'crash_free_rate(user)',
  'p50(session.duration)', 'p90(session.duration)'];

const version = decodeURIComponent(location.pathname.slice('/releases/'.length).replace(/\/$/, ''));
let wired = false;

function readState() {
  const params = new URLSearchParams(location.search);
  return {
    project: params.get('project') || '',
    environment: params.get('environment') || '',
    range: rangeFrom(params),
  };
}

function change(patch) {
  const state = { ...readState(), ...patch };
  const params = new URLSearchParams();
  if (state.project) params.set('project', state.project);
  if (state.environment) params.set('environment', state.environment);
  putRange(params, state.range);
  history.pushState(null, '', `${location.pathname}?${params}`);
  load(state);
}

function wire(state) {
  if (wired) {
    return;
  }
  wired = true;
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('f-project').addEventListener('change', (e) => change({ project: e.target.value }));
  $('f-environment').addEventListener('change', (e) => change({ environment: e.target.value }));
  wireRange(state.range, (range) => change({ range }));
  window.addEventListener('popstate', () => load(readState()));
}

function envParams(state) {
  return state.environment ? [['environment', state.environment]] : [];
}

function sessionsParams(state, extra) {
  return [...FIELDS.map((f) => ['field', f]), ['project', state.project], ...envParams(state),
    ...rangeParams(state.range), ['interval', intervalFor(state.range)], ...extra];
}

function quoted(v) {
  return `release:"${v}"`;
}

async function load(state) {
  document.title = `${version} · Crashfree`;
  $('release-title').textContent = version;
  setStatus($('status'), 'loading', `Loading ${version} for ${rangeLabel(state.range)}…`);
  $('details').hidden = true;
  try {
    const settings = (await get('dashboard/')).json;
    const healthParams = [...envParams(state), ['health', '1'], ['adoptionStages', '1'],
      ['summaryStatsPeriod', state.range.period || '14d'], ['healthStatsPeriod', '14d']];
    if (state.project) healthParams.push(['project', state.project]);
    let release;
    try {
      release = (await get(`releases/${encodeURIComponent(version)}/`, healthParams)).json;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        const project = settings.projects.find((p) => String(p.id) === state.project) || settings.projects[0];
        setStatus($('status'), 'empty', el('strong', {}, `No sessions of ${version} yet.`), ' ',
          project && project.dsn ? el('span', {}, 'Point an SDK at ', el('code', {}, project.dsn),
            ` with release "${version}".`) : '');
        showContent();
        return;
      }
      throw error;
    }
    const projects = release.projects || [];
    if (!state.project && projects.length > 0) {
      state.project = String((projects.find((p) => p.hasHealthData) || projects[0]).id);
      const params = new URLSearchParams(location.search);
      params.set('project', state.project);
      history.replaceState(null, '', `${location.pathname}?${params}`);
    }
    wire(state);
    fillSelects(state, settings, projects);
    const project = projects.find((p) => String(p.id) === state.project) || projects[0] || {};
    const settingsProject = settings.projects.find((p) => String(p.id) === state.project) ||
      { thresholds: { crashFreeUsers: 99.5, crashFreeSessions: 98 }, name: project.slug };

    const listParams = [['project', state.project], ...envParams(state), ['health', '1'], ['sort', 'date'],
      ['summaryStatsPeriod', state.range.period || '14d'], ['per_page', '100']];
    const [byRelease, byStatus, projectTotals, list, environments] = await Promise.all([
      get('sessions/', sessionsParams(state, [['groupBy', 'release'], ['per_page', '5000']])),
      get('sessions/', [['field', 'sum(session)'], ['groupBy', 'session.status'], ['project', state.project],
        ...envParams(state), ...rangeParams(state.range), ['interval', intervalFor(state.range)],
        ['query', quoted(version)]]),
      get('sessions/', sessionsParams(state, [['includeSeries', '0']])),
      get('releases/', listParams),
      get('sessions/', [['field', 'sum(session)'], ['groupBy', 'environment'], ['project', state.project],
        ['statsPeriod', '90d'], ['interval', '1d'], ['includeSeries', '0']]),
    ]);
    fillEnvironments(state, environments.json);
    const releases = list.json;
    const index = releases.findIndex((r) => r.version === version);
    const previous = index >= 0 && index + 1 < releases.length ? releases[index + 1] : null;

    showContent();
    setStatus($('status'), '', '');
    $('details').hidden = false;
    renderMeta(release, project, settingsProject, state);
    renderComparison(byRelease.json, projectTotals.json, previous, settingsProject, state);
    renderCharts(byRelease.json, byStatus.json);
    loadRegistry(state, release);
    loadIssues(state);
  } catch (error) {
    showContent();
    showFailure(error, $('status'));
  }
}

function fillSelects(state, settings, projects) {
  const select = $('f-project');
  const ids = new Set(projects.map((p) => String(p.id)));
  select.replaceChildren(...settings.projects.filter((p) => ids.has(String(p.id)) || String(p.id) === state.project)
    .map((p) => el('option', { value: String(p.id) }, p.name)));
  select.value = state.project;
  $('f-range').value = state.range.period || 'custom';
  const back = new URLSearchParams();
  back.set('project', state.project);
  if (state.environment) back.set('environment', state.environment);
  putRange(back, state.range);
  $('crumb-link').href = `/?${back}`;
  $('back-link').href = `/?${back}`;
}

function fillEnvironments(state, answer) {
  const names = answer.groups.map((g) => g.by.environment).filter(Boolean).sort();
  if (state.environment && !names.includes(state.environment)) names.push(state.environment);
  const select = $('f-environment');
  select.replaceChildren(el('option', { value: '' }, 'All environments'), ...names.map((n) => el('option', { value: n }, n)));
  select.value = state.environment;
}

function meta(label, value, title) {
  return el('div', {}, el('dt', {}, label), el('dd', { title: title || '' }, value));
}

function renderMeta(release, project, settingsProject, state) {
  $('crumb-project').textContent = settingsProject.name || project.slug || '';
  const stage = release.adoptionStages && release.adoptionStages[project.slug];
  const health = project.healthData || {};
  const released = release.dateReleased || release.dateCreated;
  $('release-meta').replaceChildren(
    meta('Project', settingsProject.name || project.slug || '—'),
    meta(release.dateReleased ? 'Released' : 'First seen', fmt.ago(released), fmt.exactTime(released)),
    meta('Last session', fmt.ago(release.lastEvent), fmt.exactTime(release.lastEvent)),
    meta('Adoption (24h)', `${fmt.percent(health.adoption ?? null)} users · ${fmt.percent(health.sessionsAdoption ?? null)} sessions`),
    meta('Stage', stage ? fmt.stageName(stage.stage) : '—'),
    meta('Commits', release.commitCount === undefined ? '—' : String(release.commitCount)),
    meta('Last deploy', release.lastDeploy ? `${release.lastDeploy.environment} · ${fmt.ago(release.lastDeploy.dateFinished)}` : '—'),
    meta('Range', rangeLabel(state.range)));
}

function totalsOf(group) {
  if (!group) {
    return null;
  }
  const t = group.totals;
  return {
    crashFreeSessions: t['crash_free_rate(session)'] === null ? null : t['crash_free_rate(session)'] * 100,
    crashFreeUsers: t['crash_free_rate(user)'] === null ? null : t['crash_free_rate(user)'] * 100,
    sessions: t['sum(session)'],
    users: t['count_unique(user)'],
    p50: t['p50(session.duration)'] === null ? null : t['p50(session.duration)'] / 1000,
    p90: t['p90(session.duration)'] === null ? null : t['p90(session.duration)'] / 1000,
  };
}

function renderComparison(byRelease, projectAnswer, previous, settingsProject, state) {
  const groupOf = (v) => byRelease.groups.find((g) => g.by.release === v);
  const mine = totalsOf(groupOf(version)) || {};
  const prev = previous ? totalsOf(groupOf(previous.version)) || {} : null;
  const proj = totalsOf(projectAnswer.groups[0]) || {};
  const rows = [
    ['Crash-free sessions', 'crashFreeSessions', fmt.percent, 'pp', settingsProject.thresholds.crashFreeSessions, true],
    ['Crash-free users', 'crashFreeUsers', fmt.percent, 'pp', settingsProject.thresholds.crashFreeUsers, true],
    ['Sessions', 'sessions', fmt.count, 'n', null, false],
    ['Users', 'users', fmt.count, 'n', null, false],
    ['Duration p50', 'p50', fmt.duration, 's', null, false],
    ['Duration p90', 'p90', fmt.duration, 's', null, false],
  ];
  const table = $('comparison');
  table.tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col' }, `Over ${rangeLabel(state.range)}`),
    el('th', { scope: 'col', className: 'num' }, 'This release'),
    el('th', { scope: 'col', className: 'num', title: previous ? previous.version : '' },
      previous ? `Previous (${fmt.shortVersion(previous)})` : 'Previous release'),
    el('th', { scope: 'col', className: 'num' }, 'Δ previous'),
    el('th', { scope: 'col', className: 'num' }, 'Project'),
    el('th', { scope: 'col', className: 'num' }, 'Δ project')));
  const deltaCell = (a, b, unit, rated) => {
    if (a === null || a === undefined || b === null || b === undefined) {
      return el('td', { className: 'num' }, '—');
    }
    const d = a - b;
    const kind = rated && Math.abs(d) >= 0.005 ? (d > 0 ? 'good' : 'bad') : '';
    return el('td', { className: `num ${kind}`, dataset: { value: String(d) } }, fmt.delta(d, unit));
  };
  table.tBodies[0].replaceChildren(...rows.map(([label, key, f, unit, threshold, rated]) => {
    const value = mine[key] ?? null;
    const rating = threshold === null || value === null ? '' : value >= threshold ? 'good' : 'bad';
    return el('tr', { dataset: { metric: key } }, el('th', { scope: 'row' }, label),
      el('td', { className: `num ${rating}`, dataset: { value: value === null ? '' : String(value) } }, f(value)),
      el('td', { className: 'num' }, prev ? f(prev[key] ?? null) : '—'),
      deltaCell(value, prev ? prev[key] : null, unit, rated),
      el('td', { className: 'num' }, f(proj[key] ?? null)),
      deltaCell(value, proj[key], unit, rated));
  }));
}

function renderCharts(byRelease, byStatus) {
  const xs = byRelease.intervals.map((t) => Date.parse(t) / 1000);
  const mine = byRelease.groups.find((g) => g.by.release === version);
  const series = (field, scale = 1) => (mine ? mine.series[field].map((v) => (v === null ? null : v * scale)) :
    xs.map(() => null));
  timeChart($('ch-crashfree'), xs, [
    { label: 'Crash-free sessions', values: series('crash_free_rate(session)', 100), color: '--series-1' },
    { label: 'Crash-free users', values: series('crash_free_rate(user)', 100), color: '--series-2' },
  ], { yFormat: (v) => `${(+v).toFixed(v % 1 === 0 ? 0 : 2)}%`, yRange: percentRange });

  const statusXs = byStatus.intervals.map((t) => Date.parse(t) / 1000);
  const statusSeries = STATUSES.map(([name, label, color]) => {
    const g = byStatus.groups.find((x) => x.by['session.status'] === name);
    return { label, color, values: g ? g.series['sum(session)'] : statusXs.map(() => 0), total: g ? g.totals['sum(session)'] : 0 };
  }).filter((s) => s.label !== 'Unhandled' || s.total > 0);
  timeChart($('ch-status'), statusXs, statusSeries, { stacked: true, yFormat: (v) => fmt.count(v) });

  // each release's share of the project's sessions per interval: this one and the four largest others
  const totals = xs.map((_, i) => byRelease.groups.reduce((a, g) => a + (g.series['sum(session)'][i] || 0), 0));
  const others = byRelease.groups.filter((g) => g.by.release !== version)
    .sort((a, b) => b.totals['sum(session)'] - a.totals['sum(session)']).slice(0, 4);
  const share = (g) => xs.map((_, i) => (totals[i] ? (100 * (g.series['sum(session)'][i] || 0)) / totals[i] : null));
  const adoption = [];
  if (mine) adoption.push({ label: version, values: share(mine), color: '--series-1' });
  others.forEach((g, i) => adoption.push({ label: g.by.release, values: share(g), color: `--series-${i + 2}` }));
  timeChart($('ch-adoption'), xs, adoption.length ? adoption : [{ label: version, values: xs.map(() => null), color: '--series-1' }],
    { yFormat: (v) => `${(+v).toFixed(v % 1 === 0 ? 0 : 1)}%`, yRange: [0, 100] });

  timeChart($('ch-duration'), xs, [
    { label: 'p50', values: series('p50(session.duration)', 0.001), color: '--series-3', format: fmt.duration },
    { label: 'p90', values: series('p90(session.duration)', 0.001), color: '--series-4', format: fmt.duration },
  ], { yFormat: (v) => (v >= 120 ? `${Math.round(v / 60)} min` : v >= 1 ? `${+(+v).toFixed(1)} s` :
    `${Math.round(v * 1000)} ms`) });
}

function uniqueAuthors(commits) {
  const byEmail = new Map();
  for (const c of commits) {
    if (c.author && !byEmail.has(c.author.email || c.author.name)) {
      byEmail.set(c.author.email || c.author.name, c.author);
    }
  }
  return [...byEmail.values()];
}

function renderAuthors(authors) {
  $('authors').replaceChildren(...(authors.length ? authors.map((a) => el('li', {},
    el('span', { className: `avatar h${fmt.hue(a)}`, attrs: { 'aria-hidden': 'true' } }, fmt.initials(a)),
    el('span', {}, a.name || a.email, a.email ? el('span', { className: 'sub' }, a.email) : null))) :
    [el('li', { className: 'sub' }, 'No commits are associated with this release yet (sentry-cli releases set-commits).')]));
}

/** Commits, files and deploys come from the releases registry: a token it does not know gets a note, not a failure. */
async function loadRegistry(state, release) {
  const base = `releases/${encodeURIComponent(version)}/`;
  const project = [['project', state.project]];
  const commits = get(`${base}commits/`, project);
  // the release's authors, else (an answer without them) its commits' authors, once per email
  commits.then((answer) => renderAuthors(release.authors || uniqueAuthors(answer.json || [])),
    () => renderAuthors(release.authors || []));
  await Promise.all([
    section('commits', commits, (c) => el('tr', {},
      el('td', { className: 'mono', title: c.id }, c.id.slice(0, 12)),
      el('td', {}, (c.message || '').split('\n')[0]),
      el('td', {}, c.author ? c.author.name || c.author.email : '—'),
      el('td', { title: fmt.exactTime(c.dateCreated) }, fmt.ago(c.dateCreated))), 'No commits yet.'),
    section('files', get(`${base}commitfiles/`, project), (f) => el('tr', {},
      el('td', { className: 'mono' }, f.filename),
      el('td', {}, { A: 'added', M: 'modified', D: 'deleted' }[f.type] || f.type),
      el('td', { className: 'mono', title: f.commitId || '' }, (f.commitId || '').slice(0, 12)),
      el('td', {}, f.author ? f.author.name || f.author.email : '—')), 'No files changed yet.'),
    section('deploys', get(`${base}deploys/`, project), (d) => el('tr', {},
      el('td', {}, d.environment),
      el('td', {}, d.url ? el('a', { href: d.url, rel: 'noopener noreferrer' }, d.name || d.url) : d.name || '—'),
      el('td', { title: fmt.exactTime(d.dateStarted) }, d.dateStarted ? fmt.ago(d.dateStarted) : '—'),
      el('td', { title: fmt.exactTime(d.dateFinished) }, fmt.ago(d.dateFinished))), 'No deploys yet.'),
  ]);
}

/**
 * New issues (first seen here) with their suspect commits, and regressions (came back here), from the issues API.
 * Suspects are read for the first few new issues only, one request each.
 */
const SUSPECTS_READ = 10;

async function loadIssues(state) {
  const project = [['project', state.project]];
  const quotedVersion = `"${version}"`;
  const newIssues = get('issues/', [...project, ['query', `firstRelease:${quotedVersion}`], ['per_page', '25']]);
  const suspects = new Map();
  const withSuspects = newIssues.then(async (answer) => {
    await Promise.all((answer.json || []).slice(0, SUSPECTS_READ).map(async (issue) => {
      try {
        const details = (await get(`issues/${encodeURIComponent(issue.id)}/`, [])).json;
        suspects.set(issue.id, details.suspectCommits || []);
      } catch (error) {
        suspects.set(issue.id, []);
      }
    }));
    return answer;
  });
  const regressions = get('issues/', [...project, ['query', `is:regressed release:${quotedVersion}`],
    ['per_page', '25']]).then((answer) => ({
    ...answer, json: (answer.json || []).filter((i) => i.regressedInRelease === version),
  }));
  await Promise.all([
    section('new-issues', withSuspects, (i) => {
      const first = (suspects.get(i.id) || [])[0];
      return el('tr', {},
        el('td', { className: 'mono' }, i.shortId),
        el('td', { title: i.culprit || '' }, i.title),
        el('td', {}, fmt.count(Number(i.count))),
        el('td', {}, fmt.count(i.userCount)),
        el('td', { title: first ? (first.suspectFiles || []).join(', ') : '' }, first ?
          `${first.id.slice(0, 12)} ${(first.message || '').split('\n')[0]}` +
          (first.author ? ` (${first.author.name || first.author.email})` : '') : '—'));
    }, 'No new issues in this release.'),
    section('regressions', regressions, (i) => el('tr', {},
      el('td', { className: 'mono' }, i.shortId),
      el('td', { title: i.culprit || '' }, i.title),
      el('td', {}, (i.statusDetails && i.statusDetails.inRelease) || '—'),
      el('td', {}, fmt.count(Number(i.count))),
      el('td', { title: fmt.exactTime(i.lastSeen) }, fmt.ago(i.lastSeen))), 'No regressions in this release.'),
  ]);
}

async function section(name, request, row, emptyText) {
  const table = $(name);
  const status = $(`${name}-status`);
  setStatus(status, 'loading', 'Loading…');
  try {
    const items = (await request).json || [];
    table.tBodies[0].replaceChildren(...items.map(row));
    table.hidden = items.length === 0;
    setStatus(status, items.length ? '' : 'empty', items.length ? '' : emptyText);
  } catch (error) {
    table.hidden = true;
    if (error instanceof ApiError && error.refused) {
      setStatus(status, 'empty', 'This token cannot read the releases registry; an API token ',
        el('code', {}, 'auth.token.<id>'), ' with a read scope can.');
    } else {
      setStatus(status, 'error', error instanceof ApiError ? `Could not load (${error.status}): ${error.detail}` : error.message);
    }
  }
}

start(() => {
  showContent();
  load(readState());
});
