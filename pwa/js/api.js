// Calls to the bdc API. Auth is the HttpOnly session cookie set at sign-in, so no token
// is ever handled by scripts. Every failure is an ApiError with the HTTP status
// (0 when the network is down).

import { t } from './i18n.js';

const BASE = '/api/v1';

class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    super(body?.error?.message ?? (status === 0 ? t('error.no_connection') : `HTTP ${status}`));
    this.status = status;
    this.body = body;
    // Retry-After in seconds (429, 503): the sync engine waits at least this long.
    const seconds = Number(retryAfter);
    this.retryAfterMs = retryAfter !== null && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  }
}

const listeners = new Set();
/** Be told whenever any call answers 401 (the login expired). */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

export async function api(path, { method = 'GET', body } = {}) {
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && path !== '/auth/login') for (const fn of listeners) fn();
    throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  }
  return data;
}

export const signIn = (username, password) =>
  api('/auth/login', { method: 'POST', body: { username, password } });
export const signOut = () => api('/auth/logout', { method: 'POST' });
export const me = () => api('/me');
export const setLanguage = (language) => api('/me/language', { method: 'PUT', body: { language } });
export const clients = () => api('/clients');
export const targets = (clientId) => api(`/clients/${clientId}/targets`);
export const plans = (clientId) => api(`/clients/${clientId}/plans`);
export const assignments = (clientId) => api(`/clients/${clientId}/assignments`);
export const sessionsOf = (clientId, from) =>
  api(`/sessions?client_id=${encodeURIComponent(clientId)}&from=${from}&page_size=50`);
export const ioa = (sessionId) => api(`/sessions/${sessionId}/ioa`);
export const sync = (batch) => api('/sync', { method: 'POST', body: batch });

// BCBA, director and incident screens (views/client.js, dashboard.js, incident.js, protocols.js).
/** The URL of an API path, for links, downloads and <img> sources (the cookie goes along). */
export const url = (path, params = {}) => {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  return `${BASE}${path}${query ? `?${query}` : ''}`;
};
const withQuery = (path, params) => url(path, params).slice(BASE.length);
const post = (path, body) => api(path, { method: 'POST', body });
export const client = (clientId) => api(`/clients/${clientId}`);
export const users = () => api('/users');
export const targetSummary = (targetId, params) => api(withQuery(`/targets/${targetId}/summary`, params));
export const criterionReview = (targetId, body) => post(`/targets/${targetId}/criterion-review`, body);
export const protocols = (kind) => api(withQuery('/protocols', { kind }));
export const protocol = (id) => api(`/protocols/${encodeURIComponent(id)}`);
export const targetFromProtocol = (clientId, body) => post(`/clients/${clientId}/targets/from-protocol`, body);
export const planFromProtocol = (clientId, body) => post(`/clients/${clientId}/plans/from-protocol`, body);
export const clientFidelity = (clientId, params) => api(withQuery(`/clients/${clientId}/fidelity`, params));
export const incidentsOf = (clientId, params) => api(withQuery(`/clients/${clientId}/incidents`, params));
export const incident = (id) => api(`/incidents/${id}`);
export const signOffIncident = (id) => post(`/incidents/${id}/sign-off`);
export const amendIncident = (id, changes) => post(`/incidents/${id}/amendments`, changes);
export const dashboard = (params) => api(withQuery('/dashboard', params));
export const sessionSettings = () => api('/session-settings');

// Session notes, supervision and training (views/notes.js, supervision.js, training.js).
const put = (path, body) => api(path, { method: 'PUT', body });
export const note = (noteId) => api(`/notes/${noteId}`);
export const sessionNote = (sessionId) => api(`/sessions/${sessionId}/note`);
export const saveNote = (sessionId, draft) => put(`/sessions/${sessionId}/note`, draft);
export const signNote = (noteId, credential) => post(`/notes/${noteId}/signature`, { credential });
export const cosignNote = (noteId, credential) => post(`/notes/${noteId}/cosignature`, { credential });
export const shareNote = (noteId, shared) => put(`/notes/${noteId}/sharing`, { shared });
export const sharedNotes = (clientId) => api(`/clients/${clientId}/shared-notes`);
export const pendingNotes = (params) => api(withQuery('/notes/pending', params));
export const logContact = (contact) => post('/supervision/contacts', contact);
export const contacts = (params) => api(withQuery('/supervision/contacts', params));
export const compliance = (params) => api(withQuery('/supervision/compliance', params));
export const recordTraining = (body) => post('/training/records', body);
export const trainingRecords = (params) => api(withQuery('/training/records', params));
export const recordCompetency = (body) => post('/training/competency', body);
export const competencyChecks = (params) => api(withQuery('/training/competency', params));
export const clientCompetency = (clientId) => api(`/clients/${clientId}/competency`);
export const assign = (clientId, userId) => post(`/clients/${clientId}/assignments`, { user_id: userId });
export const chartAudits = () => api('/chart-audits');
export const chartAudit = (id) => api(`/chart-audits/${id}`);
export const drawChartAudit = (body) => post('/chart-audits', body);
export const reviewChartItem = (auditId, itemId, body) => put(`/chart-audits/${auditId}/items/${itemId}`, body);
