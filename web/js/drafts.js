// drafts.js - declarations being written, kept in this browser (localStorage) per user,
// so nothing typed is lost to a closed tab, a crash or an expired session. A draft is
// removed when its declaration is submitted successfully.
const KEY = (login) => `opensw.drafts.${login}`;

function readAll(login) {
  try {
    const v = JSON.parse(localStorage.getItem(KEY(login)) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Every draft of the user, newest first: [{id, type, reference, saved_at, model}]. */
export function listDrafts(login) {
  return Object.values(readAll(login)).sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''));
}

export function getDraft(login, id) {
  return readAll(login)[id] || null;
}

/** Saves (creates or replaces) a draft; returns false when the browser refused. */
export function saveDraft(login, id, model) {
  const all = readAll(login);
  all[id] = { id, type: model.type, reference: model.reference || '', saved_at: new Date().toISOString(), model };
  try {
    localStorage.setItem(KEY(login), JSON.stringify(all));
    return true;
  } catch {
    return false;
  }
}

export function deleteDraft(login, id) {
  const all = readAll(login);
  delete all[id];
  localStorage.setItem(KEY(login), JSON.stringify(all));
}

export function newDraftId() {
  const a = new Uint8Array(6);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}
