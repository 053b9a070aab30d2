import { Yaml } from 'cdk8s';

/*
 * A YAML emitter for JSON values that writes exactly the bytes cdk8s writes.
 *
 * cdk8s (2.70.x, lib/yaml.js) renders every document with the `yaml` package it bundles (2.9.1):
 *
 *   YAML.stringify(doc, { keepUndefined: true, lineWidth: 0, version: '1.1' })   joined by '---\n'
 *
 * With those options and a plain JSON value the `yaml` package only ever takes a few paths: block maps and
 * block sequences (indent 2, sequences indented under their key), `{}` and `[]` for empty collections, and
 * for strings plain, single-quoted, double-quoted or literal block (`|`) style. Line folding is off
 * (`lineWidth: 0`). This module takes those paths directly, without building a node tree, choosing styles
 * with the same rules (yaml 2.9.1: stringify/stringifyString.js, stringifyPair.js, stringifyCollection.js,
 * stringifyNumber.js; schema/yaml-1.1/*.js for the plain scalars that YAML 1.1 would read as something other
 * than a string). Whatever it does not handle, it hands to cdk8s's own `Yaml.stringify` for that document:
 * values that are not plain JSON (class instances, Dates, Maps, objects with `toJSON`, bigints, functions,
 * symbols) and documents in which one object or array appears twice (the `yaml` package writes anchors
 * and aliases for those).
 *
 * Byte identity with cdk8s is tested by a property test over random and adversarial JSON
 * (test/output/yaml.property.test.ts), a table of YAML 1.1 edge cases (test/output/yaml.test.ts), the
 * example app and the benchmark's estate.
 */

const INDENT_STEP = '  ';

/**
 * Plain scalars that the YAML 1.1 schema of the `yaml` package resolves to something other than a string
 * (its tags with `default` set and a `test`): null (also the empty string), booleans (y, n, yes, on, off,
 * ...), base 2/8/10/16 and sexagesimal integers, floats, .inf/.nan, timestamps and the merge key. A string
 * matching one of these is quoted. One regular expression: each alternative is anchored on its own.
 */
export const YAML11_PLAIN_TAG_TESTS: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^<<$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];
const YAML11_NON_STRING = new RegExp(YAML11_PLAIN_TAG_TESTS.map((r) => `(?:${r.source})`).join('|'));

/**
 * The common case, decided with one test: starts with a letter, then letters, digits and `_ . / @ + = -`,
 * with `:` only between two such characters. Such a string is plain unless it is a YAML 1.1 word (null,
 * booleans) or an exponent without mantissa (`e5`), which SIMPLE_BUT_SPECIAL catches.
 */
const SIMPLE = /^[A-Za-z][\w./@+=-]*(?::[\w./@+=-]+)*$/;
const SIMPLE_BUT_SPECIAL = /^(?:[Nn]ull|NULL|[YyNn]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[eE][-+]?[0-9]+)$/;

/** Control characters and lone surrogates force double quotes (stringifyString). */
const NEEDS_DOUBLE_QUOTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** What a plain scalar may not contain or start or end with (plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Lines that a YAML 1.1 reader would take for a directive or a document marker. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/** Thrown inside the emitter when a document needs cdk8s's own serializer. */
class NotPlainJson extends Error {}
const NOT_PLAIN_JSON = new NotPlainJson();

/**
 * Whether the `yaml` package treats `v` as a plain map or sequence (no `toJSON`, no class of its own). Objects
 * of another realm (a vm context, structuredClone in a test environment) count as plain too.
 */
function isPlainJson(v: object): boolean {
  if (typeof (v as any).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v)) return proto === Array.prototype || Array.isArray(proto); // only Array.prototype is an array
  if (proto === Object.prototype || proto === null) return true;
  return Object.getPrototypeOf(proto) === null && typeof proto.constructor === 'function' && proto.constructor.name === 'Object';
}

/** Indentation by depth, and the same after a line break: computed once, not per line. */
const INDENTS: string[] = [''];
const NEWLINE_INDENTS: string[] = ['\n'];
function indentOf(depth: number): string {
  while (INDENTS.length <= depth) {
    INDENTS.push(INDENTS[INDENTS.length - 1] + INDENT_STEP);
    NEWLINE_INDENTS.push('\n' + INDENTS[INDENTS.length - 1]);
  }
  return INDENTS[depth];
}

/**
 * One document. Pieces go to an array joined once at the end: a flat string, which is cheaper to hold and
 * to write than the chain of concatenations `+=` leaves. `seen` holds the objects and arrays of the document
 * so far: the `yaml` package writes a second occurrence of the same object as an alias, which this emitter
 * leaves to it.
 */
class Emitter {
  /** Whether a document is being written (a getter that writes YAML itself gets an emitter of its own). */
  public busy = false;
  private readonly parts: string[] = [];
  private readonly seen = new Set<object>();

  /** The document: a map or sequence, or a scalar, as the root. */
  public document(value: unknown): string {
    const out = this.parts;
    out.length = 0;
    this.seen.clear();
    if (value !== null && typeof value === 'object') {
      this.enter(value);
      if (Array.isArray(value)) {
        if (value.length === 0) out.push('[]');
        else this.seq(value, 0);
      } else {
        const keys = Object.keys(value);
        if (keys.length === 0) out.push('{}');
        else this.map(value as Record<string, unknown>, keys, 0);
      }
    } else {
      out.push(scalar(value, '', false));
    }
    out.push('\n');
    const text = out.join('');
    out.length = 0;
    this.seen.clear();
    return text;
  }

  private enter(value: object): void {
    if (!isPlainJson(value)) throw NOT_PLAIN_JSON;
    const size = this.seen.size;
    this.seen.add(value);
    if (this.seen.size === size) throw NOT_PLAIN_JSON;
  }

  /** The pairs of a non-empty map whose first key starts at the current column; later keys at `depth`. */
  private map(obj: Record<string, unknown>, keys: string[], depth: number): void {
    const out = this.parts;
    const inner = indentOf(depth + 1);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (i > 0) out.push(NEWLINE_INDENTS[depth]);
      const k = key === '<<' ? key : scalarString(key, inner, true);
      // stringifyPair: a key longer than 1024 characters becomes an explicit key (`? key` then `: value`).
      const explicit = k.length > 1024;
      if (explicit) out.push('? ', k, NEWLINE_INDENTS[depth], ':');
      else out.push(k, ':');
      this.value(obj[key], depth + 1, explicit);
    }
  }

  /** The items of a non-empty sequence whose first `- ` starts at the current column; later ones at `depth`. */
  private seq(arr: unknown[], depth: number): void {
    const out = this.parts;
    const inner = indentOf(depth + 1);
    for (let i = 0; i < arr.length; i++) {
      if (i > 0) out.push(NEWLINE_INDENTS[depth]);
      out.push('- ');
      const item = arr[i];
      if (item !== null && typeof item === 'object') {
        this.enter(item);
        if (Array.isArray(item)) {
          if (item.length === 0) out.push('[]');
          else this.seq(item, depth + 1);
        } else {
          const keys = Object.keys(item);
          if (keys.length === 0) out.push('{}');
          else this.map(item as Record<string, unknown>, keys, depth + 1);
        }
      } else {
        out.push(scalar(item, inner, false));
      }
    }
  }

  /** A pair's value after `key:`; `depth` is the pair's (the map's plus one). */
  private value(v: unknown, depth: number, explicitKey: boolean): void {
    const out = this.parts;
    if (v !== null && typeof v === 'object') {
      this.enter(v);
      if (Array.isArray(v)) {
        if (v.length === 0) {
          out.push(' []');
        } else {
          out.push(explicitKey ? ' ' : NEWLINE_INDENTS[depth]);
          this.seq(v, depth);
        }
      } else {
        const keys = Object.keys(v);
        if (keys.length === 0) {
          out.push(' {}');
        } else {
          out.push(explicitKey ? ' ' : NEWLINE_INDENTS[depth]);
          this.map(v as Record<string, unknown>, keys, depth);
        }
      }
    } else {
      out.push(' ', scalar(v, INDENTS[depth], false));
    }
  }
}

const SHARED = new Emitter();

/** A scalar value (never a key). Only a scalar document has the indent ''. */
function scalar(v: unknown, indent: string, implicitKey: boolean): string {
  switch (typeof v) {
    case 'string':
      return v === '<<' ? v : scalarString(v, indent, implicitKey);
    case 'number':
      // stringifyNumber
      if (!isFinite(v)) return isNaN(v) ? '.nan' : v < 0 ? '-.inf' : '.inf';
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (v === null) return 'null';
      throw NOT_PLAIN_JSON;
    default:
      // bigint, symbol, function
      throw NOT_PLAIN_JSON;
  }
}

/** stringifyString with the default (plain) string type. `indent` is the scalar's context indent. */
function scalarString(value: string, indent: string, implicitKey: boolean): string {
  if (SIMPLE.test(value) && !SIMPLE_BUT_SPECIAL.test(value)) return value;
  if (NEEDS_DOUBLE_QUOTES.test(value)) return doubleQuoted(value, indent, implicitKey);
  return plain(value, indent, implicitKey);
}

/** plainString (never in a flow collection: this emitter writes none). */
function plain(value: string, indent: string, implicitKey: boolean): string {
  const multiLine = value.includes('\n');
  if (implicitKey && multiLine) return quoted(value, indent, implicitKey);
  if (NOT_PLAIN.test(value)) {
    return implicitKey || !multiLine ? quoted(value, indent, implicitKey) : block(value, indent, false);
  }
  if (!implicitKey && multiLine) return block(value, indent, false);
  if (DOCUMENT_MARKER.test(value)) {
    if (indent === '') return block(value, indent, true);
    if (implicitKey && indent === INDENT_STEP) return quoted(value, indent, implicitKey);
  }
  // A multi-line value never gets here, so the plain scalar is the value itself.
  if (YAML11_NON_STRING.test(value)) return quoted(value, indent, implicitKey);
  return value;
}

/** quotedString with `singleQuote: null`: single quotes only to avoid escaping double quotes. */
function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes('\'');
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? INDENT_STEP : '');
  return '\'' + value.replace(/'/g, '\'\'').replace(/\n+/g, `$&\n${ind}`) + '\'';
}

/** doubleQuotedString with `doubleQuotedMinMultiLineLength: 40` and no folding (`lineWidth: 0`). */
function doubleQuoted(value: string, indentIn: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  const indent = indentIn || (DOCUMENT_MARKER.test(value) ? INDENT_STEP : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped, or a reader would fold it away
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      switch (json[i + 1]) {
        case 'u': {
          str += json.slice(start, i);
          const code = json.substr(i + 2, 4);
          switch (code) {
            case '0000': str += '\\0'; break;
            case '0007': str += '\\a'; break;
            case '000b': str += '\\v'; break;
            case '001b': str += '\\e'; break;
            case '0085': str += '\\N'; break;
            case '00a0': str += '\\_'; break;
            case '2028': str += '\\L'; break;
            case '2029': str += '\\P'; break;
            default:
              str += code.substr(0, 2) === '00' ? '\\x' + code.substr(2) : json.substr(i, 6);
          }
          i += 5;
          start = i + 1;
          break;
        }
        case 'n':
          if (implicitKey || json[i + 2] === '"' || json.length < 40) {
            i += 1;
          } else {
            // a line break in the output, which a reader folds into the first newline
            str += json.slice(start, i) + '\n\n';
            while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
              str += '\n';
              i += 2;
            }
            str += indent;
            // a space after the line break is escaped, or a reader would take it for indentation
            if (json[i + 2] === ' ') str += '\\';
            i += 1;
            start = i + 1;
          }
          break;
        default:
          i += 1;
      }
    }
  }
  return start ? str + json.slice(start) : json;
}

/** blockString as a literal block (`lineWidth: 0` never folds). */
function block(valueIn: string, indentIn: string, forceBlockIndent: boolean): string {
  let value = valueIn;
  // A block cannot end in whitespace unless its last line is not empty.
  if (/\n[\t ]+$/.test(value)) return quoted(value, indentIn, false);
  const indent = indentIn || (forceBlockIndent || DOCUMENT_MARKER.test(value) ? INDENT_STEP : '');
  if (!value) return '|\n';
  // chomping from the whitespace at the end
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  // indentation indicator from the whitespace at the start
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? (indent ? '2' : '1') : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

/**
 * One document as cdk8s's `Yaml.stringify(doc)` writes it (without the `---` separator).
 */
export function stringifyDocument(doc: unknown): string {
  if (doc === undefined) return '\n';
  // One emitter for all documents (its arrays are reused), unless one is being written already.
  const emitter = SHARED.busy ? new Emitter() : SHARED;
  emitter.busy = true;
  try {
    return emitter.document(doc);
  } catch (err) {
    if (err !== NOT_PLAIN_JSON) throw err;
    return Yaml.stringify(doc);
  } finally {
    emitter.busy = false;
  }
}
