// forms.js - labelled fields, the error summary, and putting every problem of an RFC 9457
// answer next to the field its JSON Pointer names (/items/1/net_kg -> that item's net
// mass). Fields carry their pointer in data-path; a problem whose path names no field
// goes to the nearest field below it (/exporter -> /exporter/id), else the nearest one
// above it (/transport/containers/2 -> the containers field), else only to the summary.
import { h, uid, clear, append } from './dom.js';
import { t, has } from './i18n.js';

/**
 * A labelled input. opts: path (JSON Pointer), label, type ('text', 'textarea', 'select',
 * 'checkbox', 'date', 'datetime-local', 'password', 'search'...), value, required, hint,
 * options ([[value, label]] for selects), attrs (extra input attributes), onInput(value),
 * wide (spans the row). Returns {el, input, setHint(text)}.
 */
export function field(opts) {
  const id = uid('f');
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const type = opts.type || 'text';
  let input;
  const common = {
    id,
    name: opts.name || opts.path || id,
    'aria-describedby': `${hintId} ${errId}`,
    dataset: { ...(opts.path ? { path: opts.path } : {}), errorId: errId },
    required: opts.required || false,
    'aria-required': opts.required ? 'true' : false,
    ...(opts.attrs || {}),
  };
  if (type === 'textarea') {
    input = h('textarea', { rows: opts.rows || 3, ...common });
    input.value = opts.value ?? '';
  } else if (type === 'select') {
    input = h('select', common, (opts.options || []).map(([v, l]) => h('option', { value: v }, l)));
    input.value = opts.value ?? (opts.options?.[0]?.[0] ?? '');
  } else if (type === 'checkbox') {
    input = h('input', { type: 'checkbox', ...common });
    input.checked = Boolean(opts.value);
  } else {
    input = h('input', { type, ...common });
    input.value = opts.value ?? '';
  }
  if (opts.onInput) {
    const ev = type === 'select' || type === 'checkbox' ? 'change' : 'input';
    input.addEventListener(ev, () => opts.onInput(type === 'checkbox' ? input.checked : input.value));
  }
  const hint = h('p', { class: 'hint', id: hintId }, opts.hint || '');
  if (!opts.hint) hint.hidden = true;
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  const lab = h('label', { for: id }, opts.label,
    opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const el = type === 'checkbox'
    ? h('div', { class: ['field', 'field-check', opts.wide && 'wide', opts.class] }, input, lab, hint, err)
    : h('div', { class: ['field', opts.wide && 'wide', opts.class] }, lab, input, hint, err);
  return {
    el,
    input,
    setHint(text) {
      hint.textContent = text || '';
      hint.hidden = !text;
    },
  };
}

/** A block that owns problems for a whole list (/items, /crew): an error slot with a path. */
export function listErrorSlot(path) {
  const errId = uid('le');
  const err = h('p', { class: 'field-error', id: errId, hidden: true, dataset: { path, errorId: errId }, tabindex: '-1' });
  return err;
}

/** The text for a problem: a translation of its code when the catalogue has one. */
export function problemText(e) {
  return has(`problem.${e.code}`) ? t(`problem.${e.code}`) : (e.message || e.code);
}

/** A sentence for an ApiError that has no field to sit next to. */
export function errorMessage(err) {
  if (!err || err.name === 'AbortError') return '';
  if (err.status === 0) return t('error.network');
  if (err.status === 401) return t('error.signed_out');
  if (err.status === 403) return err.code === 'csrf' ? t('error.csrf') : t('error.forbidden');
  if (err.status === 404) return t('error.not_found');
  if (err.status === 429) return t('error.throttled');
  if (err.status >= 500) return t('error.unavailable');
  const p = err.problem || {};
  const first = err.errors[0];
  if (first && (err.errors.length === 1)) return problemText(first);
  return p.detail || p.title || t('error.generic');
}

/** Clears every problem shown in root and its summary. */
export function clearErrors(root, summary) {
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.has-error')) el.classList.remove('has-error');
  for (const el of root.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  if (summary) {
    clear(summary);
    summary.hidden = true;
  }
}

function targetFor(root, path) {
  const byPath = new Map();
  for (const el of root.querySelectorAll('[data-path]')) {
    if (!byPath.has(el.dataset.path)) byPath.set(el.dataset.path, el);
  }
  if (byPath.has(path)) return byPath.get(path);
  if (path !== '') {
    for (const [p, el] of byPath) if (p.startsWith(`${path}/`)) return el;
  }
  let p = path;
  while (p.includes('/')) {
    p = p.slice(0, p.lastIndexOf('/'));
    if (p && byPath.has(p)) return byPath.get(p);
  }
  return null;
}

/**
 * Shows every problem of an answer: next to its field (aria-invalid, the message in the
 * field's error slot) and in the summary, whose entries move the focus to the field.
 * describe(path) names a path for the summary when it has no field. Returns the count.
 */
export function showErrors(root, errors, summary, describe = (p) => p) {
  clearErrors(root, summary);
  const entries = [];
  for (const e of errors) {
    const target = targetFor(root, e.path || '');
    const text = problemText(e);
    if (target) {
      const slot = document.getElementById(target.dataset.errorId);
      if (slot) {
        slot.hidden = false;
        append(slot, [slot.textContent ? ' ' : '', text]);
      }
      if (target.matches('input, select, textarea')) target.setAttribute('aria-invalid', 'true');
      target.closest('.field')?.classList.add('has-error');
    }
    entries.push({ e, text, target });
  }
  if (summary) {
    summary.hidden = false;
    append(summary, [
      h('h2', { class: 'summary-title' }, t('form.problems', { n: entries.length })),
      h('ul', null, entries.map(({ e, text, target }) => {
        const where = target ? fieldName(target) : describe(e.path || '');
        return h('li', null, target
          ? h('button', { type: 'button', class: 'linklike', on: { click: () => focusField(target) } },
            where ? `${where}: ${text}` : text)
          : (where ? `${where}: ${text}` : text));
      })),
    ]);
    summary.focus();
  }
  return entries.length;
}

function fieldName(target) {
  const id = target.id;
  const lab = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
  const group = target.closest('fieldset')?.querySelector('legend')?.textContent?.trim();
  const own = lab ? lab.textContent.replace(/\s*\*$/, '').trim() : '';
  if (group && own) return `${group} — ${own}`;
  return own || group || '';
}

function focusField(target) {
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

/** A busy state for a button while fn runs; the button is disabled meanwhile. */
export async function busy(button, fn, busyText) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busyText) button.textContent = busyText;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = old;
  }
}

/** An error summary block (role alert, focusable); hidden until used. */
export function errorSummary() {
  const el = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  return el;
}

/** A message line under a form or panel: kind 'error' | 'ok' | 'info'. */
export function notice(kind, text) {
  return h('p', { class: ['notice', `notice-${kind}`], role: kind === 'error' ? 'alert' : 'status' }, text);
}
