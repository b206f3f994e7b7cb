// dom.js - building the page from data without ever parsing data as HTML.
// h() creates elements; every string child becomes a text node (textContent), so a
// description containing "<script>" is shown as those characters. Nothing in the portal
// assigns innerHTML/outerHTML or uses insertAdjacentHTML.

/**
 * h('button', {class: 'primary', type: 'button', on: {click: fn}}, 'Save')
 * attrs: class, id, for, type, name, value, href (internal "#/..." links only),
 * dataset: {...}, on: {event: handler}, props: {checked: true} (set as properties),
 * anything else becomes an attribute (false/null/undefined ones are left out).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'props') Object.assign(el, v);
      else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
      else if (k === 'href') el.setAttribute('href', safeHref(v));
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends children: strings and numbers as text, nodes as they are, arrays flattened. */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** Links the portal builds: in-app routes, API paths, or the documentation. */
function safeHref(v) {
  const s = String(v);
  return /^(#|\/(?!\/))/.test(s) ? s : '#/';
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces el's children. */
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

let idCounter = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Runs fn at most once per `ms` after the last call. */
export function debounce(fn, ms) {
  let timer = null;
  const d = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  d.cancel = () => { clearTimeout(timer); timer = null; };
  d.flush = (...args) => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    fn(...args);
  };
  return d;
}
