// i18n.js - the portal's strings and the formatting of times, durations and numbers.
// Every string a person reads comes from a catalogue in web/i18n/<lang>.js (English is
// web/i18n/en.js). A translation is one new file plus its code in LANGUAGES below; keys
// it lacks fall back to English. Times are shown in the browser's time zone.
import en from '../i18n/en.js';

/** Languages with a catalogue file in web/i18n/ (code -> name in that language). */
export const LANGUAGES = { en: 'English' };

let strings = en;
let lang = 'en';
/** Keys asked for but found in no catalogue (the browser tests assert it stays empty). */
export const missing = new Set();
window.openswMissingStrings = missing;

/** Picks the language (stored choice, else the browser's) and loads its catalogue. */
export async function initI18n() {
  const wanted = [localStorage.getItem('opensw.lang'), ...(navigator.languages || [])]
    .filter(Boolean).map((l) => l.toLowerCase().split('-')[0]);
  lang = wanted.find((l) => l in LANGUAGES) || 'en';
  if (lang !== 'en') {
    try {
      const mod = await import(`../i18n/${lang}.js`);
      strings = { ...en, ...mod.default };
    } catch {
      lang = 'en';
    }
  }
  document.documentElement.lang = lang;
}

export function currentLanguage() { return lang; }

export function setLanguage(code) {
  localStorage.setItem('opensw.lang', code);
  window.location.reload();
}

/** True when the catalogue has the key (for optional strings such as problem codes). */
export function has(key) { return Object.prototype.hasOwnProperty.call(strings, key); }

/** The string for key with {name} placeholders filled from params. */
export function t(key, params) {
  let s = strings[key];
  if (s === undefined) {
    missing.add(key);
    s = key;
  }
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

/** The label of a code from a family ("status", "task", ...), or the code itself. */
export function label(family, code) {
  const key = `${family}.${code}`;
  return has(key) ? strings[key] : String(code ?? '');
}

function locale() {
  const nav = navigator.language || lang;
  return nav.toLowerCase().startsWith(lang) ? nav : lang;
}

export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const fmtCache = new Map();
function dtf(opts) {
  const k = JSON.stringify(opts);
  if (!fmtCache.has(k)) fmtCache.set(k, new Intl.DateTimeFormat(locale(), opts));
  return fmtCache.get(k);
}

/** "28 Nov 2026, 14:05" in the user's time zone. */
export function fmtTime(iso, withSeconds = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dtf({ dateStyle: 'medium', timeStyle: withSeconds ? 'medium' : 'short' }).format(d);
}

/** "28 Nov 2026" for a date-only value (YYYY-MM-DD), without shifting the day. */
export function fmtDate(ymd) {
  if (!ymd) return '';
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(ymd);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** "5 minutes ago", "in 2 days". */
export function fmtAgo(iso, now = Date.now()) {
  const d = new Date(iso).getTime();
  if (Number.isNaN(d)) return '';
  const s = Math.round((d - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const a = Math.abs(s);
  if (a < 45) return rtf.format(0, 'second');
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

/** "2 hr 5 min" for a span in milliseconds. */
export function fmtDuration(ms) {
  const min = Math.max(0, Math.floor(ms / 60000));
  const unit = (n, u) => new Intl.NumberFormat(locale(), { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  if (min < 1) return unit(Math.max(0, Math.floor(ms / 1000)), 'second');
  if (min < 60) return unit(min, 'minute');
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${unit(hours, 'hour')} ${unit(min % 60, 'minute')}`;
  return `${unit(Math.floor(hours / 24), 'day')} ${unit(hours % 24, 'hour')}`;
}

/** Formats a decimal string for reading ("98000.00" -> "98,000.00"), exactly. */
export function fmtDecimal(s) {
  if (typeof s !== 'string' || !/^\d+(\.\d+)?$/.test(s)) return s ?? '';
  const [i, f] = s.split('.');
  const grouped = new Intl.NumberFormat(locale()).format(BigInt(i));
  const sep = new Intl.NumberFormat(locale()).formatToParts(1.5).find((p) => p.type === 'decimal')?.value || '.';
  return f ? `${grouped}${sep}${f}` : grouped;
}
