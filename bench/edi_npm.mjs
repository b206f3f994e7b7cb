// edi_npm.mjs FILE... - throughput of the npm `edifact` parser (tdecaluwe/node-edifact) on
// the same files as edi_bench: its streaming Parser with the validator disabled, so it only
// tokenizes. Best of five rounds of about 0.2 s each, MB = 10^6 bytes. Prints "file MB/s".
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const require = createRequire(new URL('./node_modules/', import.meta.url));
const Parser = require('edifact/parser.js');
const Validator = require('edifact/validator.js');

// The npm parser defaults to UNOA and throws on other characters: give it the level the
// interchange declares (IATA levels as their UN equivalents).
function levelOf(doc) {
  const m = /UNB.(UNO[ABCY]|IATA|IATB)/.exec(doc.slice(0, 300));
  if (!m) return 'UNOC';
  return { IATA: 'UNOA', IATB: 'UNOB' }[m[1]] || m[1];
}

function onePass(doc, level) {
  const validator = new Validator();
  validator.disable();
  const parser = new Parser(validator);
  parser.encoding(level);
  let segments = 0;
  parser.on('opensegment', () => segments++);
  parser.write(doc);
  parser.end();
  return segments;
}

for (const file of process.argv.slice(2)) {
  const doc = readFileSync(file, 'latin1');
  const level = levelOf(doc);
  let best = 0;
  try {
    onePass(doc, level);
  } catch (e) {
    console.log(`${basename(file)} error`); // it cannot read this file at all
    continue;
  }
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    let bytes = 0, t = 0;
    do {
      onePass(doc, level);
      bytes += doc.length;
      t = Number(process.hrtime.bigint() - t0) / 1e9;
    } while (t < 0.2);
    best = Math.max(best, bytes / t / 1e6);
  }
  console.log(`${basename(file)} ${best.toFixed(1)}`);
}
