// combo.js - search-as-you-type for a text field (WAI-ARIA combobox with a listbox):
// HS codes, UN/LOCODE places and countries from the reference API. Typing asks the API
// (debounced, the previous request aborted); arrow keys move through the suggestions,
// Enter takes one, Escape closes. The field stays free text: a code typed in full is
// accepted as it is, and the server validates it.
import { h, clear, uid, debounce } from './dom.js';
import { api } from './api.js';
import { t } from './i18n.js';

/**
 * Makes input a combobox. source(q, signal) resolves to [{value, label, detail}].
 * onPick({value, label, detail}) is called when a suggestion is taken.
 */
export function combobox(input, source, { minChars = 2, onPick } = {}) {
  const listId = uid('lb');
  const list = h('ul', { class: 'combo-list', role: 'listbox', id: listId, hidden: true });
  const status = h('span', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listId);
  input.setAttribute('autocomplete', 'off');
  const wrap = h('div', { class: 'combo' });
  input.replaceWith(wrap);
  wrap.append(input, list, status);

  let options = [];
  let active = -1;
  let ctrl = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const setActive = (i) => {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
    active = i;
    if (active >= 0 && items[active]) {
      items[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', items[active].id);
      items[active].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const pick = (i) => {
    const o = options[i];
    if (!o) return;
    input.value = o.value;
    close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    if (onPick) onPick(o);
  };
  const render = () => {
    clear(list);
    options.forEach((o, i) => {
      list.append(h('li', {
        role: 'option', id: `${listId}-${i}`, 'aria-selected': 'false', class: 'combo-option',
        on: {
          mousedown: (ev) => { ev.preventDefault(); pick(i); },
        },
      }, h('span', { class: 'combo-value' }, o.value), ' ', h('span', { class: 'combo-label' }, o.label)));
    });
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', options.length ? 'true' : 'false');
    status.textContent = options.length ? t('combo.count', { n: options.length }) : t('combo.none');
    active = -1;
  };
  const search = debounce(async () => {
    const q = input.value.trim();
    if (ctrl) ctrl.abort();
    if (q.length < minChars) {
      options = [];
      render();
      close();
      return;
    }
    ctrl = new AbortController();
    const mine = ctrl;
    try {
      const found = await source(q, mine.signal);
      if (mine.signal.aborted || document.activeElement !== input) return;
      options = found;
      render();
    } catch (e) {
      if (e.name !== 'AbortError') { options = []; render(); }
    }
  }, 200);

  input.addEventListener('input', (ev) => {
    if (ev.isTrusted) search();
  });
  input.addEventListener('keydown', (ev) => {
    if (list.hidden) {
      if (ev.key === 'ArrowDown' && options.length) { render(); setActive(0); ev.preventDefault(); }
      return;
    }
    if (ev.key === 'ArrowDown') { setActive(Math.min(active + 1, options.length - 1)); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp') { setActive(Math.max(active - 1, 0)); ev.preventDefault(); }
    else if (ev.key === 'Enter' && active >= 0) { pick(active); ev.preventDefault(); }
    else if (ev.key === 'Escape') { close(); ev.preventDefault(); }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  return { close };
}

/** HS 2022 codes: "shrimp" or "0306". */
export async function hsSource(q, signal) {
  const r = await api('GET', '/v1/reference/hs', { query: { q, limit: 10 }, signal });
  return (r.items || []).map((e) => ({ value: e.code, label: e.description, detail: e }));
}

/** UN/LOCODE places: "shanghai" or "CNSHA". */
export async function locationSource(q, signal) {
  const r = await api('GET', '/v1/reference/locations', { query: { q, limit: 10 }, signal });
  return (r.items || []).map((e) => ({ value: e.code, label: e.name, detail: e }));
}

/** ISO 3166 countries: "viet" or "VN". */
export async function countrySource(q, signal) {
  const r = await api('GET', '/v1/reference/countries', { query: { q, limit: 10 }, signal });
  return (r.items || []).map((e) => ({ value: e.code, label: e.name, detail: e }));
}
