/**
 * Generates docs/errors.md: every synth-time error the library raises, what causes it, how to fix it, and the
 * bad-input test rows that trigger it.
 *
 *   npx ts-node -P tsconfig.dev.json scripts/error-catalogue.ts          # writes docs/errors.md
 *   npx ts-node -P tsconfig.dev.json scripts/error-catalogue.ts --check  # exits 1 if it is stale or a site is untested
 *
 * How it works (all static, with the TypeScript compiler API and its type checker):
 *
 * - Error sites are the calls of `fail`, `check` and `problem` from src/core/errors.ts anywhere in src (except in
 *   errors.ts itself and the generated src/imports), and every `throw new Error(...)`. For each one the field and
 *   rule arguments are turned into patterns: literals, constants folded across modules (string constants, enum
 *   members, `Object.values(Enum).join(...)`), and holes for whatever is only known at run time.
 * - A conditional whose branches are strings (`a ? 'x' : 'y'`) splits a site into variants, one per branch; the
 *   same condition takes the same branch in the field and the rule. A rule that is a `.error` of `parseCidr()`
 *   becomes one variant per message of src/core/ip.ts.
 * - A field that is a parameter of a helper (`requireDns1123Label(scope, field, value)`) is resolved through the
 *   helper's callers (three levels deep), so the catalogue can say which fields raise the error and a test row is
 *   matched to the helper only through a field that really reaches it.
 * - Test rows are the rows of `describeBadInputs(...)` tables in test/. A row triggers a site variant when its
 *   expected message contains `<field>: <value> <rule>` for it (the rule may be cut short, as rows often are);
 *   a row without a field part must match exactly one rule. Among the variants a row matches, only the most
 *   specific ones (most literal characters matched) are credited, so a generic helper is not credited with a
 *   row written for a specific check of the same wording.
 *
 * Sites that no test can reach are listed in ALLOW_UNTESTED with a reason; every other site must be triggered by
 * at least one row (test/catalogue.test.ts fails otherwise, listing them).
 */
/* eslint-disable no-bitwise */ // the compiler API's symbol, node and modifier flags are bit sets
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// ---------------------------------------------------------------------------------------------------------
// Patterns: literal text with holes
// ---------------------------------------------------------------------------------------------------------

interface Hole {
  readonly hole: string;
}
type Part = string | Hole;
type Pattern = Part[];

const hole = (label: string): Hole => ({ hole: label });
const isHole = (p: Part): p is Hole => typeof p !== 'string';

function concat(...patterns: Pattern[]): Pattern {
  const out: Pattern = [];
  for (const pattern of patterns) {
    for (const part of pattern) {
      const last = out[out.length - 1];
      if (typeof part === 'string') {
        if (part === '') continue;
        if (typeof last === 'string') out[out.length - 1] = last + part;
        else out.push(part);
      } else if (!(last !== undefined && isHole(last))) {
        out.push(part);
      }
    }
  }
  return out;
}

function render(pattern: Pattern): string {
  return pattern.map((p) => (typeof p === 'string' ? p : `<${p.hole}>`)).join('');
}

function literalLength(pattern: Pattern): number {
  return pattern.reduce((n, p) => n + (typeof p === 'string' ? p.length : 0), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------------------

/** One error site in src, with its variants. */
export interface ErrorSite {
  /** `network/ipam.ts:280`, relative to src. */
  readonly location: string;
  readonly file: string;
  readonly line: number;
  /** network, storage, compute, tenancy, core, stacks, ... */
  readonly module: string;
  /** `fail`, `check`, `problem` or `throw`. */
  readonly kind: string;
  /** The class and member, or function, the site is in. */
  readonly where: string;
  /** The condition under which it is raised, as source text. */
  readonly when: string;
  /** Whether it is checked app-wide (a `problem` reported through node.addValidation). */
  readonly appWide: boolean;
  readonly variants: SiteVariant[];
}

export interface SiteVariant {
  readonly site: ErrorSite;
  /** The field as written at the site; undefined for messages without a field. */
  readonly field?: Pattern;
  /** The fields that reach the site through helpers' callers (at least `field` itself). */
  readonly fieldAlternatives: Pattern[];
  readonly rule: Pattern;
  /** `field: <value> rule`. */
  readonly shape: string;
  /** Rows that trigger this variant. */
  readonly tests: TestRow[];
  /** Why no test triggers it, when it is on the allow-list. */
  readonly allowed?: string;
}

export interface TestRow {
  /** Relative to the repository root, e.g. `test/network/bad-inputs.test.ts`. */
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly expected: Pattern;
  /** Source text of the row's `build`, to tell apart constructs that raise one message. */
  readonly build: string;
}

/**
 * Sites no test can reach, keyed by `location` (without the line: `<file>#<rule start>`), with the reason. Keep
 * this empty where possible: an unreachable check is better removed.
 */
export const ALLOW_UNTESTED: Record<string, string> = {
  'plan/graphviz.ts#Graphviz did not answer within <...> seconds':
    'Graphviz runs in a worker thread; only a hung or crashed worker reaches this, which no input of the library causes.',
  'plan/graphviz.ts#Graphviz could not draw the estate: <answer.error>':
    'The DOT source is written by the library with every label escaped; test/plan/estate-plan.test.ts feeds Graphviz bad DOT directly to show the message.',
};

// ---------------------------------------------------------------------------------------------------------
// The analysis
// ---------------------------------------------------------------------------------------------------------

const ERROR_FUNCTIONS: Record<string, { field?: number; value?: number; rule: number }> = {
  fail: { field: 1, value: 2, rule: 3 },
  check: { field: 2, value: 3, rule: 4 },
  problem: { field: 0, value: 1, rule: 2 },
};

function listFiles(dir: string, filter: (f: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__snapshots__') continue;
      out.push(...listFiles(full, filter));
    } else if (filter(full)) {
      out.push(full);
    }
  }
  return out;
}

class Analyzer {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly errorsFile: string;
  private readonly callers = new Map<ts.Node, ts.CallExpression[]>();
  private readonly cidrErrors: Pattern[];

  constructor(private readonly root: string, srcFiles: string[], testFiles: string[]) {
    this.program = ts.createProgram([...srcFiles, ...testFiles], {
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.CommonJS,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    this.checker = this.program.getTypeChecker();
    this.errorsFile = path.join(root, 'src/core/errors.ts');
    for (const file of srcFiles) this.indexCalls(this.program.getSourceFile(file)!);
    this.cidrErrors = this.parseCidrErrors();
  }

  // --- symbols ----------------------------------------------------------------------------------------

  private symbolOf(node: ts.Node): ts.Symbol | undefined {
    let symbol = this.checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol;
  }

  private declarationOf(node: ts.Node): ts.Declaration | undefined {
    const symbol = this.symbolOf(node);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  /** The function-like node a call's callee resolves to (a function, method or an arrow held in a const). */
  private calleeFunction(call: ts.CallExpression): ts.Node | undefined {
    const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
    const decl = this.declarationOf(callee);
    if (!decl) return undefined;
    if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) {
      return decl.initializer;
    }
    return ts.isFunctionLike(decl) ? decl : undefined;
  }

  private indexCalls(sf: ts.SourceFile): void {
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const fn = this.calleeFunction(node);
        if (fn) {
          const list = this.callers.get(fn) ?? [];
          list.push(node);
          this.callers.set(fn, list);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  /** The messages `parseCidr()` of src/core/ip.ts can return, as patterns. */
  private parseCidrErrors(): Pattern[] {
    const sf = this.program.getSourceFile(path.join(this.root, 'src/core/ip.ts'));
    const out: Pattern[] = [];
    const seen = new Set<string>();
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'error') {
        const p = this.pattern(node.initializer, new Map(), 0);
        if (!seen.has(render(p))) {
          seen.add(render(p));
          out.push(p);
        }
      }
      ts.forEachChild(node, visit);
    };
    if (sf) visit(sf);
    return out;
  }

  // --- constant folding -------------------------------------------------------------------------------

  /** The value of a constant expression, or undefined. */
  private fold(node: ts.Expression, depth = 0): unknown {
    if (depth > 8) return undefined;
    node = skipOuter(node);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
      const v = this.fold(node.operand, depth + 1);
      return typeof v === 'number' ? -v : undefined;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const items = node.elements.map((e) => this.fold(e, depth + 1));
      return items.every((i) => i !== undefined) ? items : undefined;
    }
    if (ts.isTemplateExpression(node)) {
      let s = node.head.text;
      for (const span of node.templateSpans) {
        const v = this.fold(span.expression, depth + 1);
        if (v === undefined || typeof v === 'object') return undefined;
        s += String(v) + span.literal.text;
      }
      return s;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const a = this.fold(node.left, depth + 1);
      const b = this.fold(node.right, depth + 1);
      if (a === undefined || b === undefined || typeof a === 'object' || typeof b === 'object') return undefined;
      return (a as any) + (b as any);
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const decl = this.declarationOf(ts.isPropertyAccessExpression(node) ? node.name : node);
      if (decl && ts.isEnumMember(decl)) return decl.initializer ? this.fold(decl.initializer, depth + 1) : undefined;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isVariableDeclarationList(decl.parent)
          && decl.parent.flags & ts.NodeFlags.Const && !decl.getSourceFile().fileName.includes('node_modules')) {
        return this.fold(decl.initializer, depth + 1);
      }
      return undefined;
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const target = node.expression.expression;
      if (method === 'join') {
        const items = this.foldList(target, depth + 1);
        const sep = node.arguments.length > 0 ? this.fold(node.arguments[0], depth + 1) : ',';
        return items && typeof sep === 'string' ? items.join(sep) : undefined;
      }
      if (method === 'stringify' && target.getText() === 'JSON' && node.arguments.length === 1) {
        const v = this.fold(node.arguments[0], depth + 1);
        return v === undefined ? undefined : JSON.stringify(v);
      }
    }
    return undefined;
  }

  /** A constant list: an array literal or `Object.values(SomeEnum)`. */
  private foldList(node: ts.Expression, depth: number): unknown[] | undefined {
    node = skipOuter(node);
    if (ts.isCallExpression(node) && node.expression.getText() === 'Object.values' && node.arguments.length === 1) {
      const decl = this.declarationOf(node.arguments[0]);
      if (decl && ts.isEnumDeclaration(decl)) {
        const values = decl.members.map((m) => (m.initializer ? this.fold(m.initializer, depth + 1) : undefined));
        return values.every((v) => v !== undefined) ? values : undefined;
      }
      return undefined;
    }
    const v = this.fold(node, depth);
    return Array.isArray(v) ? v : undefined;
  }

  // --- patterns ---------------------------------------------------------------------------------------

  /**
   * The pattern of a string expression. `choices` says which branch a conditional takes (by its condition's
   * text); conditionals not in it become holes.
   */
  private pattern(node: ts.Expression, choices: Map<string, boolean>, depth: number): Pattern {
    node = skipOuter(node);
    const folded = this.fold(node);
    if (typeof folded === 'string' || typeof folded === 'number') return [String(folded)];
    if (ts.isTemplateExpression(node)) {
      return concat([node.head.text], ...node.templateSpans.map((s) => concat(this.pattern(s.expression, choices, depth), [s.literal.text])));
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return concat(this.pattern(node.left, choices, depth), this.pattern(node.right, choices, depth));
    }
    if (ts.isConditionalExpression(node)) {
      const key = conditionKey(node.condition);
      if (choices.has(key)) return this.pattern(choices.get(key) ? node.whenTrue : node.whenFalse, choices, depth);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments.length === 1) {
      // `f('size')` with a local prefixer such as `(name) => (request.field ? `${request.field}.${name}` : name)`.
      const inner = this.fold(node.arguments[0]);
      if (typeof inner === 'string') return [hole('prefix.'), inner];
    }
    if (ts.isIdentifier(node) && depth < 3) {
      // A local alias such as `const f = ctx.field`: label the hole with what it stands for.
      const decl = this.declarationOf(node);
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isPropertyAccessExpression(decl.initializer)) {
        return [hole(holeLabel(decl.initializer))];
      }
    }
    return [hole(holeLabel(node))];
  }

  /** Conditions of conditionals with string branches, which split a site into variants. */
  private conditions(nodes: ts.Node[]): string[] {
    const keys: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isConditionalExpression(node) && this.stringish(node.whenTrue) && this.stringish(node.whenFalse)) {
        const key = conditionKey(node.condition);
        if (!keys.includes(key)) keys.push(key);
      }
      // Do not look into nested functions: their conditionals are not part of the message.
      if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return;
      ts.forEachChild(node, visit);
    };
    nodes.forEach(visit);
    return keys;
  }

  private stringish(node: ts.Expression): boolean {
    node = skipOuter(node);
    if (ts.isConditionalExpression(node)) return this.stringish(node.whenTrue) && this.stringish(node.whenFalse);
    return typeof this.fold(node) === 'string' || ts.isTemplateExpression(node)
      || (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken);
  }

  /**
   * The fields that reach a site: the field pattern, with each parameter of the enclosing function replaced by
   * what its callers pass (recursively, a few levels deep).
   */
  private fieldAlternatives(node: ts.Expression, choices: Map<string, boolean>, depth: number): Pattern[] {
    node = skipOuter(node);
    if (depth < 4 && ts.isIdentifier(node)) {
      const decl = this.declarationOf(node);
      if (decl && ts.isParameter(decl) && ts.isFunctionLike(decl.parent)) {
        const index = decl.parent.parameters.indexOf(decl);
        const calls = this.callers.get(decl.parent) ?? [];
        const out: Pattern[] = [];
        for (const call of calls) {
          const arg = call.arguments[index] ?? decl.initializer; // an omitted argument takes the default
          if (!arg) continue;
          out.push(...this.fieldAlternatives(arg, new Map(), depth + 1));
        }
        // A public method is also called from outside src: what it is given there is unknown.
        const fn = decl.parent;
        const isPublic = ts.isMethodDeclaration(fn) && !fn.name.getText().startsWith('_')
          && !(ts.getCombinedModifierFlags(fn) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
        if (isPublic) out.push([hole(node.text)]);
        if (out.length > 0) return dedupe(out);
      }
    }
    if (depth < 4 && ts.isTemplateExpression(node)) {
      let acc: Pattern[] = [[node.head.text]];
      for (const span of node.templateSpans) {
        const inner = this.fieldAlternatives(span.expression, choices, depth);
        const next: Pattern[] = [];
        for (const a of acc) for (const b of inner) next.push(concat(a, b, [span.literal.text]));
        acc = dedupe(next).slice(0, 40);
      }
      return acc;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments.length === 1) {
      // `f('size')` with a local prefixer such as `(name) => (request.field ? `${request.field}.${name}` : name)`.
      const inner = this.fold(node.arguments[0]);
      if (typeof inner === 'string') return [[hole('prefix.'), inner]];
    }
    return [this.pattern(node, choices, depth)];
  }

  // --- sites ------------------------------------------------------------------------------------------

  public sites(srcFiles: string[]): ErrorSite[] {
    const out: ErrorSite[] = [];
    for (const file of srcFiles) {
      if (path.resolve(file) === path.resolve(this.errorsFile)) continue;
      const sf = this.program.getSourceFile(file)!;
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node)) {
          const site = this.errorCall(sf, node);
          if (site) out.push(site);
        } else if (ts.isThrowStatement(node) && ts.isNewExpression(node.expression) && node.expression.expression.getText() === 'Error') {
          out.push(this.throwSite(sf, node, node.expression));
        } else if (ts.isThrowStatement(node) && ts.isNewExpression(node.expression)
          && node.expression.expression.getText() === 'KubeVirtConfigError' && node.expression.arguments?.length === 4) {
          // `throw new KubeVirtConfigError(path, field, value, rule)` where there is no construct to `fail()` on.
          const [, field, , rule] = node.expression.arguments;
          out.push(this.makeSite(sf, node, 'throw', field, rule, conditionOf(node)));
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    return out;
  }

  private errorCall(sf: ts.SourceFile, call: ts.CallExpression): ErrorSite | undefined {
    if (!ts.isIdentifier(call.expression)) return undefined;
    const decl = this.declarationOf(call.expression);
    if (!decl || path.resolve(decl.getSourceFile().fileName) !== path.resolve(this.errorsFile)) return undefined;
    const spec = ERROR_FUNCTIONS[call.expression.text];
    if (!spec) return undefined;
    const fieldNode = spec.field !== undefined ? call.arguments[spec.field] : undefined;
    const ruleNode = call.arguments[spec.rule];
    const kind = call.expression.text;
    const when = kind === 'check' ? `not (${compact(call.arguments[0].getText())})` : conditionOf(call);
    return this.makeSite(sf, call, kind, fieldNode, ruleNode, when);
  }

  private throwSite(sf: ts.SourceFile, node: ts.ThrowStatement, error: ts.NewExpression): ErrorSite {
    return this.makeSite(sf, node, 'throw', undefined, error.arguments?.[0], conditionOf(node));
  }

  private makeSite(
    sf: ts.SourceFile, node: ts.Node, kind: string, fieldNode: ts.Expression | undefined, ruleNode: ts.Expression | undefined, when: string,
  ): ErrorSite {
    const file = path.relative(path.join(this.root, 'src'), sf.fileName).split(path.sep).join('/');
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const module = file.includes('/') ? file.split('/')[0] : 'core';
    const site: ErrorSite = {
      location: `${file}:${line}`,
      file,
      line,
      module,
      kind,
      where: enclosingName(node),
      when,
      appWide: kind === 'problem',
      variants: [],
    };
    const conditions = this.conditions([fieldNode, ruleNode].filter((n): n is ts.Expression => n !== undefined)).slice(0, 4);
    const seen = new Set<string>();
    for (let mask = 0; mask < 2 ** conditions.length; mask++) {
      const choices = new Map(conditions.map((c, i) => [c, Math.floor(mask / 2 ** i) % 2 === 1] as const));
      let field = fieldNode ? this.pattern(fieldNode, choices, 0) : undefined;
      let rules: Pattern[] = ruleNode ? [this.pattern(ruleNode, choices, 0)] : [[hole('message')]];
      let fieldAlternatives = fieldNode ? this.fieldAlternatives(fieldNode, choices, 0) : [];
      if (kind === 'throw' && field === undefined) {
        // `throw new Error(`field: ${value} rule`)`: split the message like a library error.
        const split = splitMessage(rules[0]);
        if (split) {
          field = split.field;
          fieldAlternatives = [split.field];
          rules = [split.rule];
        }
      }
      if (ruleNode && rules[0].length === 1 && isHole(rules[0][0]) && /\.error$/.test(rules[0][0].hole)) {
        rules = this.cidrErrors; // `fail(scope, field, value, parsed.error!)` with parsed = parseCidr(...)
      }
      for (const rule of rules) {
        const key = `${field ? render(field) : ''}\u0000${render(rule)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        site.variants.push({
          site,
          field,
          fieldAlternatives: fieldAlternatives.length > 0 ? fieldAlternatives : field ? [field] : [],
          rule,
          shape: field ? `${render(field)}: <value> ${render(rule)}` : render(rule),
          tests: [],
        });
      }
    }
    return site;
  }

  /** The names of the classes declared in src. */
  public classNames(srcFiles: string[]): Set<string> {
    const names = new Set<string>();
    for (const file of srcFiles) {
      ts.forEachChild(this.program.getSourceFile(file)!, (node) => {
        if (ts.isClassDeclaration(node) && node.name) names.add(node.name.text);
      });
    }
    return names;
  }

  // --- test rows --------------------------------------------------------------------------------------

  public testRows(testFiles: string[]): TestRow[] {
    const rows: TestRow[] = [];
    for (const file of testFiles) {
      const sf = this.program.getSourceFile(file)!;
      const rel = path.relative(this.root, file).split(path.sep).join('/');
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'describeBadInputs'
            && node.arguments.length === 2 && ts.isArrayLiteralExpression(node.arguments[1])) {
          for (const element of node.arguments[1].elements) {
            if (!ts.isObjectLiteralExpression(element)) continue;
            const prop = (name: string) => element.properties
              .find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name);
            const nameProp = prop('name');
            const errorProp = prop('error');
            const buildProp = prop('build');
            if (!errorProp) continue;
            const line = sf.getLineAndCharacterOfPosition((nameProp ?? element).getStart(sf)).line + 1;
            const name = nameProp ? String(this.fold(nameProp.initializer) ?? nameProp.initializer.getText()) : '';
            rows.push({ file: rel, line, name, expected: this.expectedPattern(errorProp.initializer), build: buildProp?.initializer.getText() ?? '' });
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    return rows;
  }

  private expectedPattern(node: ts.Expression): Pattern {
    node = skipOuter(node);
    if (ts.isRegularExpressionLiteral(node)) return regexPattern(node.text.slice(1, node.text.lastIndexOf('/')));
    return this.pattern(node, new Map(), 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers of the analysis
// ---------------------------------------------------------------------------------------------------------

function skipOuter(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) node = node.expression;
  return node;
}

function conditionKey(node: ts.Expression): string {
  return node.getText().replace(/\s+/g, ' ');
}

function compact(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
}

function holeLabel(node: ts.Expression): string {
  let text = node.getText().replace(/\s+/g, ' ');
  const json = /^JSON\.stringify\((.*)\)$/.exec(text);
  if (json) text = json[1];
  text = text.replace(/^this\./, '').replace(/!$/, '');
  return /^[\w.[\]]{1,40}$/.test(text) ? text : '...';
}

function dedupe(patterns: Pattern[]): Pattern[] {
  const seen = new Set<string>();
  return patterns.filter((p) => (seen.has(render(p)) ? false : (seen.add(render(p)), true)));
}

/** `field: ${value} rule` -> field and rule. */
function splitMessage(message: Pattern): { field: Pattern; rule: Pattern } | undefined {
  const [head, value, tail] = message;
  if (message.length !== 3 || typeof head !== 'string' || !isHole(value) || typeof tail !== 'string') return undefined;
  if (!head.endsWith(': ') || !tail.startsWith(' ')) return undefined;
  return { field: [head.slice(0, -2)], rule: [tail.slice(1)] };
}

/** The condition of the nearest enclosing `if` (or the switch default) of a throwing statement. */
function conditionOf(node: ts.Node): string {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isIfStatement(n)) {
      const inElse = n.elseStatement !== undefined && isWithin(node, n.elseStatement);
      return inElse ? `not (${compact(n.expression.getText())})` : compact(n.expression.getText());
    }
    if (ts.isDefaultClause(n)) return `no case matches \`${compact((n.parent.parent as ts.SwitchStatement).expression.getText())}\``;
    if (ts.isCatchClause(n)) return 'the code above throws';
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isSourceFile(n)) break;
  }
  return 'it is reached (the guard clauses before it did not return)';
}

function isWithin(node: ts.Node, container: ts.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end;
}

/** `Class.member` or `function`, for the catalogue's "in" column. */
function enclosingName(node: ts.Node): string {
  const names: string[] = [];
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isConstructorDeclaration(n)) {names.unshift('constructor');} else if ((ts.isMethodDeclaration(n) || ts.isGetAccessor(n)) && n.name) {names.unshift(n.name.getText());} else if (ts.isFunctionDeclaration(n) && n.name) {names.unshift(`${n.name.text}()`);} else if (ts.isClassDeclaration(n) && n.name) {
      names.unshift(n.name.text);
      break;
    }
  }
  return names.join('.') || '(module)';
}

/** An expected-message regex as a pattern: simple escapes unescaped, everything else a hole. */
function regexPattern(source: string): Pattern {
  const parts: Pattern = [];
  let lit = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length && /[^\w]/.test(source[i + 1])) {
      lit += source[++i];
    } else if ('[(.*+?{|^$'.includes(c)) {
      // Skip a character class or group with its quantifier: whatever it matches is a hole.
      if (c === '[') while (i < source.length && source[i] !== ']') i++;
      if (c === '(') while (i < source.length && source[i] !== ')') i++;
      while (i + 1 < source.length && '*+?'.includes(source[i + 1])) i++;
      if (c !== '^' && c !== '$') {
        parts.push(lit, hole('regex'));
        lit = '';
      }
    } else {
      lit += c;
    }
  }
  parts.push(lit);
  return concat(parts);
}

// ---------------------------------------------------------------------------------------------------------
// Matching test rows to site variants
// ---------------------------------------------------------------------------------------------------------

/** Characters of the expected message, with holes as one marker each. */
type Chars = Array<string | null>;
const toChars = (p: Pattern): Chars => p.flatMap((x) => (typeof x === 'string' ? [...x] : [null]));

/**
 * Matches `pattern` against `text` from `start`. Returns, for every way the pattern can end, the text position
 * and the number of literal pattern characters matched; `truncated` ends are where the text ran out inside the
 * pattern (rows often cut a message short).
 */
interface PatternMatch {
  readonly end: number;
  readonly literal: number;
  readonly truncated: boolean;
}

function matchPattern(pattern: Pattern, text: Chars, start: number, allowTruncated: boolean, tokenStart = 0): PatternMatch[] {
  const results: PatternMatch[] = [];
  const tokens = toChars(pattern);
  const seen = new Set<string>();
  const go = (ti: number, xi: number, literal: number) => {
    const key = `${ti},${xi}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (ti === tokens.length) {
      results.push({ end: xi, literal, truncated: false });
      return;
    }
    if (xi === text.length) {
      if (allowTruncated) results.push({ end: xi, literal, truncated: true });
      return;
    }
    const t = tokens[ti];
    if (t === null) {
      // A hole of the pattern: any run of text (not crossing the end of the message).
      for (let k = xi; k <= text.length; k++) go(ti + 1, k, literal);
      return;
    }
    const x = text[xi];
    if (x === null) {
      // A hole of the expected message (a regex row): it stands for a hole of the pattern, or for one short word of
      // its literal text (a hash, a number), never for a run of the rule's wording.
      if (t === null) go(ti + 1, xi + 1, literal);
      for (let k = ti; k < tokens.length && k - ti < 16 && tokens[k] !== null && tokens[k] !== ' '; k++) go(k + 1, xi + 1, literal);
      return;
    }
    if (x === t) go(ti + 1, xi + 1, literal + 1);
  };
  go(tokenStart, start, 0);
  return results;
}

const MIN_RULE_CHARS = 12;
const MIN_RULE_CHARS_AFTER_FIELD = 8;

/** The construct class a site is raised in, if it is a class of its own (not a helper function). */
function siteClass(site: ErrorSite): string | undefined {
  const first = site.where.split('.')[0];
  return /^[A-Z]\w*$/.test(first) ? first : undefined;
}

/**
 * How specifically `row` names `variant`, or undefined when it does not: with a field, twice the literal characters
 * matched plus one for a complete rule; without a field part, -1 for a complete rule and -2 for one cut short.
 */
export function score(variant: SiteVariant, row: TestRow): number | undefined {
  const text = toChars(row.expected);
  let best: number | undefined;
  const ruleLength = literalLength(variant.rule);
  // A row may cut the rule short; what is left must still say which rule it is (less of it after a literal field).
  const enough = (m: { literal: number; truncated: boolean }, fieldLiteral = 0) => m.literal >= Math.min(MIN_RULE_CHARS_AFTER_FIELD, ruleLength)
    && (!m.truncated || m.literal >= Math.min(fieldLiteral >= 4 ? MIN_RULE_CHARS_AFTER_FIELD : MIN_RULE_CHARS, ruleLength));
  // With a field: `<field>: <value> <rule>`, the field starting the message or right after `] `.
  for (const field of variant.fieldAlternatives) {
    for (let start = 0; start < text.length; start++) {
      if (start > 0 && !(text[start - 1] === ' ' && text[start - 2] === ']')) continue;
      for (const f of matchPattern(concat(field, [': ']), text, start, false)) {
        // The value: anything up to a space, then the rule to the end of the expected message.
        for (let v = f.end + 1; v < text.length; v++) {
          if (text[v] !== ' ' && text[v] !== null) continue;
          for (const r of matchPattern(variant.rule, text, text[v] === ' ' ? v + 1 : v, true)) {
            if (r.end !== text.length || !enough(r, f.literal)) continue;
            // More literal characters matched is more specific; a complete rule beats one cut short.
            const s = 2 * (f.literal + r.literal) + (r.truncated ? 0 : 1);
            if (best === undefined || s > best) best = s;
          }
        }
      }
    }
  }
  if (best !== undefined) return best;
  // Without a field part: the expected message is a run of the rule (checked for uniqueness by the caller).
  if (text.length >= MIN_RULE_CHARS && !(text.includes(':') && /^\[|^[\w.[\]]+: /.test(row.expected.filter((p) => typeof p === 'string').join('')))) {
    const tokens = toChars(variant.rule);
    for (let i = 0; i < tokens.length; i++) {
      // Start at a word of the rule.
      if (tokens[i] === null || (i > 0 && tokens[i - 1] !== null && tokens[i - 1] !== ' ')) continue;
      const r = matchPattern(variant.rule, text, 0, true, i).filter((m) => m.end === text.length && m.literal >= MIN_RULE_CHARS);
      if (r.some((m) => !m.truncated)) return -1;
      if (r.length > 0) best = -2;
    }
    return best;
  }
  return undefined;
}

function link(rows: TestRow[], variants: SiteVariant[], classes: ReadonlySet<string>): Map<SiteVariant, TestRow[]> {
  const credited = new Map<SiteVariant, TestRow[]>();
  for (const row of rows) {
    const built = new Set((row.build.match(/\b[A-Z]\w*\b/g) ?? []).filter((w) => classes.has(w)));
    let scored = variants.map((v) => ({ v, s: score(v, row) })).filter((x): x is { v: SiteVariant; s: number } => x.s !== undefined);
    if (scored.length === 0) continue;
    // One message raised by several constructs: when the row names the classes it builds, drop sites of other classes.
    if (built.size > 0) {
      const kept = scored.filter((x) => { const c = siteClass(x.v.site); return c === undefined || built.has(c); });
      if (kept.length > 0) scored = kept;
    }
    const max = Math.max(...scored.map((x) => x.s));
    const best = scored.filter((x) => x.s === max);
    // A row without a field part (negative scores) must point at one rule only.
    if (max < 0 && new Set(best.map((x) => render(x.v.rule))).size > 1) continue;
    for (const { v } of best) credited.set(v, [...(credited.get(v) ?? []), row]);
  }
  return credited;
}

// ---------------------------------------------------------------------------------------------------------
// Fixes
// ---------------------------------------------------------------------------------------------------------

/** The fix sentence of a variant (see FIXES at the end of this file). */
function fixFor(variant: SiteVariant): string | undefined {
  const field = variant.field ? render(variant.field) : '';
  const rule = render(variant.rule);
  for (const [pattern, fix] of FIXES) {
    const m = pattern.exec(field ? `${field}: ${rule}` : rule);
    if (m) return typeof fix === 'string' ? fix : fix(m, field, rule);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------------------

export interface Catalogue {
  readonly sites: ErrorSite[];
  readonly rows: TestRow[];
  /** Variants no row triggers and no allow-list entry excuses. */
  readonly untested: SiteVariant[];
  /** Variants without a fix sentence. */
  readonly unfixed: SiteVariant[];
  readonly markdown: string;
}

const MODULE_ORDER = ['core', 'platform', 'network', 'storage', 'compute', 'tenancy', 'stacks', 'plan'];
const MODULE_TITLES: Record<string, string> = {
  core: 'core: names, quantities and addresses shared by every construct',
  platform: 'platform: what the cluster must provide (ClusterProfile, prerequisites)',
  network: 'network: bridge and macvlan networks, IPAM, node bridges, the shared Ceph network',
  storage: 'storage: golden images, clones, storage profiles',
  compute: 'compute: KubeVirtVm, its networks, disks, cloud-init and performance knobs',
  tenancy: 'tenancy: IsolatedTenant and KubeVirtShoot',
  stacks: 'stacks: ready-made apps',
  plan: 'plan: the estate plan (plan.md, plan.svg)',
};

export function allowKey(variant: SiteVariant): string {
  return `${variant.site.file}#${variant.shape}`;
}

export function buildCatalogue(root: string): Catalogue {
  const srcFiles = listFiles(path.join(root, 'src'), (f) => f.endsWith('.ts') && !f.includes(`${path.sep}imports${path.sep}`) && !f.endsWith('.d.ts'));
  const testFiles = listFiles(path.join(root, 'test'), (f) => f.endsWith('.test.ts'));
  const analyzer = new Analyzer(root, srcFiles, testFiles);
  const sites = analyzer.sites(srcFiles);
  const rows = analyzer.testRows(testFiles);
  const variants = sites.flatMap((s) => s.variants);
  const credited = link(rows, variants, analyzer.classNames(srcFiles));
  for (const site of sites) {
    site.variants.forEach((v, i) => {
      site.variants[i] = { ...v, tests: credited.get(v) ?? [], allowed: ALLOW_UNTESTED[allowKey(v)] };
    });
  }
  const all = sites.flatMap((s) => s.variants);
  const untested = all.filter((v) => v.tests.length === 0 && v.allowed === undefined);
  const unfixed = all.filter((v) => fixFor(v) === undefined);
  return { sites, rows, untested, unfixed, markdown: renderMarkdown(sites, rows) };
}

function code(text: string): string {
  const t = text.replace(/\n/g, '\\n').replace(/\|/g, '\\|');
  const ticks = t.includes('`') ? '``' : '`';
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

function cell(text: string): string {
  return text.replace(/\n/g, ' ').replace(/\|/g, '\\|');
}

/** One entry per module, field shape and rule: sites that raise the same message are listed together. */
interface Entry {
  readonly module: string;
  readonly shape: string;
  readonly variants: SiteVariant[];
}

function renderMarkdown(sites: ErrorSite[], rows: TestRow[]): string {
  const entries = new Map<string, Entry>();
  for (const v of sites.flatMap((s) => s.variants)) {
    const key = `${v.site.module}\u0000${v.shape}`;
    const entry = entries.get(key) ?? { module: v.site.module, shape: v.shape, variants: [] };
    entry.variants.push(v);
    entries.set(key, entry);
  }
  const modules = [...new Set([...entries.values()].map((e) => e.module))]
    .sort((a, b) => (MODULE_ORDER.indexOf(a) + 1 || 99) - (MODULE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const all = sites.flatMap((s) => s.variants);
  const tested = all.filter((v) => v.tests.length > 0).length;
  const out: string[] = [];
  out.push('# Synth-time errors');
  out.push('');
  out.push('<!-- Generated by scripts/error-catalogue.ts; do not edit. Regenerate with');
  out.push('     npx ts-node -P tsconfig.dev.json scripts/error-catalogue.ts -->');
  out.push('');
  out.push('Every error the library raises while a cdk8s app is built or synthesized, grouped by module. Errors read');
  out.push('`[<construct path>] <field>: <value> <rule>` (see `src/core/errors.ts`): construction-time errors are thrown as');
  out.push('`KubeVirtConfigError`; app-wide rules (marked *app-wide*) are reported by cdk8s when the app is synthesized, as');
  out.push('`Validation failed with the following errors:` followed by one such line per problem. In a message shape,');
  out.push('`<...>` stands for what is known only when the error is raised. Each entry says where it is raised and under');
  out.push('which condition (the source), how to fix it, and which bad-input test rows trigger it.');
  out.push('');
  out.push(`${entries.size} entries from ${sites.length} error sites (${all.length} message variants); ${tested} of the variants are`);
  out.push(`triggered by at least one of ${rows.length} bad-input test rows.`);
  out.push('');
  out.push('## Contents');
  out.push('');
  for (const m of modules) out.push(`- [${MODULE_TITLES[m] ?? m}](#${m})`);
  for (const m of modules) {
    out.push('');
    out.push(`## ${m}`);
    out.push('');
    out.push(`${MODULE_TITLES[m] ?? m}.`);
    const list = [...entries.values()].filter((e) => e.module === m)
      .sort((a, b) => a.variants[0].site.file.localeCompare(b.variants[0].site.file) || a.variants[0].site.line - b.variants[0].site.line);
    for (const e of list) {
      out.push('');
      out.push(`### ${code(e.shape)}`);
      out.push('');
      const first = e.variants[0];
      const appWide = e.variants.some((v) => v.site.appWide) ? ' (*app-wide*: reported at synthesis)' : '';
      const raisedFor = dedupe(e.variants.flatMap((v) => v.fieldAlternatives)).map(render);
      for (const v of uniqueBy(e.variants, (x) => x.site.location)) {
        out.push(`- **Raised** in \`${v.site.where}\` ([src/${v.site.location}](../src/${v.site.file}#L${v.site.line}))${appWide} when ${code(v.site.when)}.`);
      }
      if (raisedFor.length > 1 || (raisedFor.length === 1 && first.field && raisedFor[0] !== render(first.field))) {
        out.push(`- **Fields:** ${raisedFor.slice(0, 30).map(code).join(', ')}${raisedFor.length > 30 ? ', ...' : ''}.`);
      }
      out.push(`- **Fix:** ${fixFor(first) ?? 'TODO'}`);
      const tests = uniqueBy(e.variants.flatMap((v) => v.tests), (t) => `${t.file}#${t.line}`);
      if (tests.length > 0) {
        out.push(`- **Tests:** ${tests.slice(0, 6).map((t) => `[${cell(t.name)}](../${t.file}#L${t.line})`).join('; ')}${tests.length > 6 ? `; and ${tests.length - 6} more` : ''}.`);
      } else {
        const reason = e.variants.map((v) => v.allowed).find((x) => x !== undefined);
        out.push(`- **Tests:** none${reason ? ` (allowed: ${reason})` : ''}.`);
      }
    }
  }
  out.push('');
  return out.join('\n');
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(key(i)) ? false : (seen.add(key(i)), true)));
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

export const CATALOGUE_PATH = 'docs/errors.md';

function main(): void {
  const root = path.resolve(__dirname, '..');
  const catalogue = buildCatalogue(root);
  const target = path.join(root, CATALOGUE_PATH);
  const check = process.argv.includes('--check');
  const problems: string[] = [];
  for (const v of catalogue.untested) problems.push(`untested: src/${v.site.location} ${v.shape}`);
  for (const v of catalogue.unfixed) problems.push(`no fix sentence: src/${v.site.location} ${v.shape}`);
  if (check) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== catalogue.markdown) problems.push(`${CATALOGUE_PATH} is stale`);
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, catalogue.markdown);
    console.log(`wrote ${CATALOGUE_PATH}: ${catalogue.sites.length} sites, ${catalogue.rows.length} test rows`);
  }
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exitCode = 1;
}


// ---------------------------------------------------------------------------------------------------------
// Fix sentences, keyed by `<field>: <rule>` of a variant (field and rule as in the message shape). The first
// pattern that matches wins; specific patterns come before general ones.
// ---------------------------------------------------------------------------------------------------------

type Fix = string | ((m: RegExpExecArray, field: string, rule: string) => string);

const FIXES: Array<[RegExp, Fix]> = [
  // platform: cluster prerequisites
  [/feature gate .* which the declared cluster does not enable/, 'Enable the feature gate in the KubeVirt CR (spec.configuration.developerConfiguration.featureGates) and list it in ClusterProfile kubevirtFeatureGates, or drop the option that needs it.'],
  [/: needs .* or later/, 'Upgrade the component to the version named, then declare that version in ClusterProfile; or drop the option that needs it.'],
  [/: must be a version such as "v1.2.3" \(the/, 'Write the version as released, e.g. "v1.66.0".'],
  [/^kubevirtFeatureGates/, 'List feature gate names exactly as KubeVirt spells them, e.g. ["CPUManager", "NUMA"].'],
  [/^cluster: the app's cluster is already declared/, 'Call ClusterProfile.declare() once per app.'],
  [/^prerequisite\./, 'Register prerequisites with a PrerequisiteKind, a ClusterComponent, a non-empty requirement (a version such as "v1.2.3" for VERSION) and a reason.'],
  [/^featureGates: would be empty/, 'List the gates the cluster needs in additionalFeatureGates, or drop the KubeVirtConfigurationPatch: nothing in the app needs a gate.'],
  [/^additionalFeatureGates: must be a list/, 'Pass a list of gate names, e.g. ["Sidecar"].'],
  [/^additionalFeatureGates\[<i>\]: must be a feature gate name/, 'Write the gate exactly as KubeVirt spells it, e.g. "Sidecar" or "CPUManager".'],
  // platform: secrets
  [/would be written to Git in plain text/, 'Reference an existing Secret (e.g. userDataSecretName), pull the data from a secret store (ExternalSecretValue.fromStore()), or, if the repository is private and you accept it, set GitOpsApp allowPlainSecrets.'],
  [/: must be an ExternalSecretValue/, 'Build the value with ExternalSecretValue.fromStore(store, key).'],
  [/\.store: must be a SecretStoreReference/, 'Build the store with SecretStoreReference.secretStore(name) or clusterSecretStore(name).'],
  [/\.store\.name: must be a DNS-1123 subdomain \(the name of the store\)/, 'Name the SecretStore or ClusterSecretStore exactly as it exists, e.g. "vault".'],
  [/\.remoteKey: must be the non-empty key/, 'Give the key of the value in the store, e.g. "vms/web/user-data".'],
  [/\.property: must name a property of the remote secret/, 'Name the property (e.g. "user-data") or leave property out to take the whole value.'],
  [/\.refreshInterval: must be a whole number of seconds/, 'Give whole seconds, e.g. Duration.minutes(15).'],
  // core: names, quantities
  [/: must be a DNS-1123 label/, 'Use at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit (e.g. "tenant-a").'],
  [/: must be a DNS-1035 label/, 'Use at most 63 lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "fedora-40").'],
  [/: must be a DNS-1123 subdomain/, 'Use lower-case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit, at most 253 characters.'],
  [/is not a valid label key/, 'Use a key like "app" or "example.com/tier": an optional DNS subdomain and \'/\', then up to 63 letters, digits, \'-\', \'_\' or \'.\', alphanumeric at both ends.'],
  [/is not a valid label value/, 'Use at most 63 letters, digits, \'-\', \'_\' and \'.\', alphanumeric at both ends (or an empty value); put longer text in an annotation.'],
  [/is not a valid annotation key/, 'Use a key like "note" or "example.com/owner": an optional DNS subdomain and \'/\', then up to 63 letters, digits, \'-\', \'_\' or \'.\', alphanumeric at both ends.'],
  [/^<field>\.<key>: must be a string$/, 'Give annotation values as strings (quote numbers and booleans).'],
  [/: must be a Kubernetes quantity such as "10Gi"/, 'Write a size as a number with a unit and no space, e.g. "10Gi", "512Mi" or "1Ti".'],
  [/: must be a positive whole number of bytes/, 'Give a size above zero that is a whole number of bytes, e.g. "1536Mi" instead of "1.5Gi" when that is fractional.'],
  [/: must be a Kubernetes quantity such as "2"/, 'Write CPUs as a number or millicores, e.g. "2", "1.5" or "500m".'],
  [/: must be a positive number of CPUs with at most millicore precision/, 'Give more than zero CPUs in whole millicores, e.g. "250m" rather than "0.0005".'],
  // network: addresses and IPAM
  [/: must be a CIDR such as/, 'Write the network as address/prefix, e.g. "10.0.0.0/24" or "fd00::/64".'],
  [/: must have a prefix length from 0 to/, 'Use a prefix length the family allows: at most /32 for IPv4, /128 for IPv6.'],
  [/: has host bits set; did you mean/, 'Use the network address the message suggests; put a single start address in rangeStart instead.'],
  [/: must be an IPv4 or IPv6 address such as/, 'Give a bare address without prefix or zone, e.g. "10.0.0.1" or "fd00::1".'],
  [/gateway: must be of the same IP family as its destination/, 'Route IPv4 destinations through an IPv4 next hop and IPv6 destinations through an IPv6 one.'],
  [/^ipam\.range: is required/, 'Give the pool a `range` (e.g. "10.0.0.0/24") or at least one entry in `ipRanges`.'],
  [/needs `range`; for `ipRanges`/, 'Set `range` too, or move rangeStart, rangeEnd and exclude into the ipRanges entry they belong to.'],
  [/must hold at most one range per IP family/, 'Keep one IPv4 and at most one IPv6 range; merge or drop the extra range of the same family.'],
  [/^ipam\.gateway: must lie inside the range/, 'Pick a gateway address inside the pool\'s range, or leave gateway out.'],
  [/is a next hop outside every range/, 'Use a next hop inside one of the network\'s ranges, or leave the route\'s gateway out for an on-link route.'],
  [/cannot be combined with `omitNetworkName`/, 'Drop networkName, or drop omitNetworkName: the pool is keyed by a name or by the range alone, not both.'],
  [/networkName: must be lower-case letters/, 'Use lower-case letters, digits, \'-\' and \'.\' in networkName, e.g. "tenant-a-lan".'],
  [/leaves no address to hand out/, 'Widen the range or rangeStart/rangeEnd, or exclude less (the gateway and in-range next hops are excluded too).'],
  [/\.range: must end at an address from its start/, 'Give `first-last/prefix` with both addresses in one prefix and the last not below the first, e.g. "10.0.0.10-10.0.0.50/24".'],
  [/rangeStart: must lie inside the range/, 'Pick a rangeStart inside the range, or leave it out to start at the first host address.'],
  [/rangeEnd: must lie inside the range/, 'Pick a rangeEnd inside the range, or leave it out to end at the last host address.'],
  [/rangeEnd: must not come before the/, 'Swap rangeStart and rangeEnd, or move rangeEnd up to at least rangeStart.'],
  [/exclude\[<i>\]: must lie inside the range/, 'Exclude only CIDRs inside the range (whereabouts would silently ignore the others); fix or drop the entry.'],
  [/must lie inside the subnet/, 'Pick an address inside the host-local subnet, or leave the field out.'],
  [/^ipam\.addresses: must hold at least one address/, 'List at least one address, e.g. { address: "10.0.0.5/24" }, or use Ipam.none().'],
  [/must be an address with prefix length/, 'Write the static address with its prefix length, e.g. "10.0.0.5/24".'],
  [/gateway: must be of the same IP family as the address/, 'Give an IPv4 gateway for an IPv4 address and an IPv6 gateway for an IPv6 address.'],
  // network: bridge, VLANs, MTU, NADs
  [/cannot be set together with shareSegmentWith/, 'Leave bridge, vlan, vlanTrunk and mtu out: a network that shares a segment takes them from the network it shares.'],
  [/^bridge: is required: name the Linux bridge/, 'Name the node bridge, e.g. bridge: "br1", or share the segment of another network with shareSegmentWith.'],
  [/must be a Linux interface name/, 'Use 1 to 15 characters without whitespace, \'/\' or \':\', e.g. "br1" or "eth1.100".'],
  [/^vlan: must be an integer from 0 to 4094/, 'Use a whole VLAN id from 1 to 4094, or 0 (or leave vlan out) for untagged.'],
  [/^vlanTrunk: cannot be combined with vlan/, 'Use either vlan (an access port) or vlanTrunk (a trunk port), not both.'],
  [/^vlanTrunk: must list at least one VLAN id or range/, 'List at least one VlanTrunk.id() or VlanTrunk.range(), or leave vlanTrunk out.'],
  [/VLAN id from 1 to 4094|must hold VLAN ids from 1 to 4094/, 'Use VLAN ids from 1 to 4094 (0 is untagged and cannot be carried tagged).'],
  [/must have minID <= maxID/, 'Write the range low to high, e.g. VlanTrunk.range(10, 20).'],
  [/^preserveDefaultVlan: only applies together with vlan or vlanTrunk/, 'Set vlan or vlanTrunk, or leave preserveDefaultVlan out.'],
  [/^disableContainerInterface: cannot be combined with IPAM/, 'Use Ipam.none() with disableContainerInterface, or keep the interface up to use IPAM.'],
  [/(isGateway|isDefaultGateway): needs an IPAM that assigns addresses/, 'Give the network an address-assigning IPAM (whereabouts, host-local, static or DHCP), or drop the gateway flag.'],
  [/^ipMasqBackend: only applies with ipMasq: true/, 'Set ipMasq: true, or leave ipMasqBackend out.'],
  [/^cniVersion: must be a CNI spec version/, 'Use one of the listed CNI versions, or leave cniVersion out for 0.4.0.'],
  [/^mtu: must be an integer from/, 'Give a whole MTU in the allowed range (at least 1280 when the network has IPv6), or leave mtu out.'],
  [/^maxUnavailable: must be a whole number or a percentage/, 'Write maxUnavailable as a count ("2") or a percentage ("50%").'],
  [/^vlan: on bridge .* two tenants never share a VLAN/, 'Give each tenant its own VLAN on the bridge (or its own bridge).'],
  [/^vlan: on bridge .* is already used by network/, 'Pick another VLAN for one of the networks, or offer the first network again with shareInto() / shareSegmentWith.'],
  [/^range: overlaps .* networks that share a segment/, 'Give networks that share a segment the same range and network name (shareInto() does that).'],
  [/^range: overlaps .* two tenants never share an address range/, 'Give each tenant a range of its own that overlaps no other tenant\'s.'],
  [/^range: overlaps/, 'Give the networks ranges that do not overlap, or share one network on purpose with shareInto().'],
  [/^bridge: is already defined on nodes by/, 'Define each node bridge with one NodeBridgePolicy; use nodeSelector on it to cover several node groups.'],
  [/^vlan: is not let through by the node bridge/, 'Add the VLAN to the NodeBridgePolicy\'s allowedVlans, or leave allowedVlans out to carry every VLAN the app uses.'],
  [/^mtu: is above the MTU .* of the node bridge/, 'Raise the NodeBridgePolicy mtu (it sets the bridge and the uplink) to at least the network\'s, or lower the network\'s mtu.'],
  [/^mtu: is above 1500, and the node bridge/, 'Set mtu on the NodeBridgePolicy of that bridge (and on the switch ports) to at least the network\'s MTU.'],
  [/needs a NodeBridgePolicy for bridge .* in this app/, 'Add a NodeBridgePolicy for the storage network\'s bridge to the app, or use NodeStorageAddresses.managedOutside() and configure the nodes yourself.'],
  [/^networks\[<i>\]: cannot work for a VM without the pod network/, 'Give the storage network provider: CephNetworkProvider.HOST (Ceph on the nodes\' storage addresses), or give the VM the pod network.'],
  [/^nodeSelector: is needed by .* no node can satisfy both/, 'Drop or change the VM\'s own nodeSelector entry for that key, or align the NodeBridgePolicy node selectors of its bridges.'],
  [/^reference: must be "namespace\/name"/, 'Write the reference as "namespace/name", e.g. "rook-ceph/ceph", or use NetworkAttachmentReference.fromName().'],
  // network: shared Ceph network
  [/^cephAttachment: needs TenantIsolation\.PORT_ISOLATION/, 'Use CephAttachment.bridge() without isolation, or keep the default TenantIsolation.PORT_ISOLATION for a macvlan Ceph attachment.'],
  [/^nodeRange: must be of the same IP family as range/, 'Give nodeRange in the same IP family as range.'],
  [/^nodeRange: must lie inside range .* or apart from it/, 'Make nodeRange a block inside range (it is then excluded from the pool) or one that does not touch range at all.'],
  [/^cephAttachment: does not apply with CephNetworkProvider\.HOST/, 'Leave cephAttachment out with CephNetworkProvider.HOST, or use CephNetworkProvider.MULTUS for a macvlan Ceph attachment.'],
  [/^clusterNetwork: is not supported with CephNetworkProvider\.HOST/, 'Leave clusterNetwork out with CephNetworkProvider.HOST, or use CephNetworkProvider.MULTUS.'],
  [/^nodeRange: must be given, inside range .* with CephNetworkProvider\.HOST/, 'Give nodeRange as a block inside range (e.g. "192.168.100.0/28" in "192.168.100.0/24") for the nodes\' addresses.'],
  [/^nodeRange: is required with NodeStorageAddresses/, 'Give nodeRange, the block the nodes\' storage addresses come from.'],
  [/^nodeAddresses\.interfaceName: must have at most 12 characters/, 'Use an interface name of at most 12 characters, e.g. "ceph100".'],
  [/^nodeAddresses: must list at least one node/, 'List the nodes that get a storage address, e.g. [{ node: "worker-1" }].'],
  [/^nodeAddresses\[<i>\]\.address: must be a usable address of nodeRange/, 'Give an address inside nodeRange other than its network and broadcast addresses, or leave address out.'],
  [/^nodeAddresses\[<i>\]\.address: is given to another node/, 'Give each node its own address.'],
  [/^nodeAddresses\[<i>\]\.node: is listed twice/, 'List each node once.'],
  [/^nodeAddresses\[<i>\]: finds no free address left in nodeRange/, 'Widen nodeRange, or give the nodes addresses explicitly.'],
  [/^cephCluster\.spec\.network: must not be set/, 'Remove network from cephCluster.spec: the storage network writes it (see networkSpec).'],
  [/^cephCluster\.monCount: must be an odd number from 1 to 9/, 'Run an odd number of monitors from 1 to 9, e.g. 3 or 5.'],
  [/^cephCluster\.cephImage: must name a Ceph image/, 'Name the Ceph container image, e.g. "quay.io/ceph/ceph:v19.2.3".'],
  // storage
  [/^immediateBinding: cannot be false with refresh/, 'Leave immediateBinding out for an image that refreshes: CDI binds its imports immediately anyway.'],
  [/^imagePath: must not contain control characters/, 'Pass the image file\'s path without newlines or other control characters (rename the file if needed).'],
  [/extraHeaders\[<i>\]: carries credentials/, 'Put the header line in a Secret and list the Secret\'s name in secretExtraHeaders; keep only harmless headers in extraHeaders.'],
  [/: carries credentials before the host/, 'Remove user and password from the URL; put them in a Secret (accessKeyId, secretKey) and name it in secretRef.'],
  [/: carries a credential in the query parameter/, 'Use the plain object URL and give the credential through secretRef (or a header Secret in secretExtraHeaders), instead of a signed URL.'],
  [/source: must be a CloneSource/, 'Build the source with CloneSource.fromGoldenImage(), fromDataSource(), fromPvc() or fromSnapshot().'],
  [/storageClass: differs from the class of storageProfile/, 'Leave storageClass out (the profile\'s class is used) or pass the StorageClassProfile of that class.'],
  [/accessModes: is required with StorageApi\.PVC/, 'Give exactly one access mode, e.g. accessModes: [AccessMode.READ_WRITE_ONCE], or use StorageApi.STORAGE.'],
  [/size: must be at least the source's size/, 'Give a size at least the source\'s, or leave size out to take the source\'s.'],
  [/size: is required with StorageApi\.PVC when the source's size is unknown/, 'Give size, or the source\'s size in its CloneSource options, or use StorageApi.STORAGE.'],
  [/preallocation: must be true or false/, 'Pass a boolean: preallocation: true or false.'],
  [/source\.kind: must be a CloneSourceKind/, 'Build the source with one of the CloneSource factories instead of a hand-made object.'],
  [/requireStrategy: needs a strategy/, 'Set strategy, or pass a storageProfile whose cloneStrategy it should demand, or drop requireStrategy.'],
  [/strategy: is demanded but cannot happen/, 'Remove what the message names (another class or volume mode, no snapshot class, WaitForFirstConsumer across namespaces), or drop requireStrategy to accept the fallback.'],
  [/strategy: is demanded but cannot be confirmed/, 'Give what the message asks for (a storageProfile with cloneStrategy, the source\'s class and volume mode, a snapshot class, the binding mode), or drop requireStrategy.'],
  [/creator: is required to clone from namespace/, 'Pass creator: the identity that applies the manifest, e.g. Grantee.serviceAccount("argocd", "argocd-application-controller").'],
  [/^source: must be an ImageSource/, 'Build the source with ImageSource.http(), registry(), s3(), gcs(), pvc(), blank() or upload().'],
  [/^accessModes: is required with StorageApi\.PVC/, 'Give exactly one access mode, or use StorageApi.STORAGE and let the StorageProfile choose.'],
  [/^dataSource: cannot be false with refresh/, 'Leave dataSource out (or true) when the image has refresh.'],
  [/^refresh: needs ImageSource\.registry\(\)/, 'Use ImageSource.registry() for an image that refreshes, or drop refresh.'],
  [/^dataSourceName: cannot be set with dataSource: false/, 'Drop dataSourceName, or let the image write its DataSource.'],
  [/^grantee: must be a Grantee/, 'Pass Grantee.serviceAccount(), Grantee.user() or Grantee.group().'],
  [/^(grantUpload|uploadCommand): only applies to a golden image from ImageSource\.upload\(\)/, 'Use ImageSource.upload() for an image that is uploaded; downloaded images need no upload.'],
  [/^imagePath: must be the path of the image file/, 'Pass the path of the local image file, e.g. "/images/fedora.qcow2".'],
  [/^uploadProxyUrl: must be an http:\/\/ or https:\/\/ URL/, 'Give the upload proxy as a full URL, e.g. "https://cdi-uploadproxy.example.com".'],
  [/^refresh\.schedule: must be a cron schedule/, 'Write five cron fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *", or a descriptor such as "@daily".'],
  [/^refresh\.importsToKeep: must be a whole number from 0 up/, 'Keep a whole number of imports, e.g. 3, or leave importsToKeep out.'],
  [/name: must be a non-empty name without surrounding whitespace/, 'Give the user or group name exactly as the API server authenticates it, without leading or trailing spaces.'],
  [/extraHeaders\[<i>\]: must be an HTTP header/, 'Write each header as "Name: value", e.g. "Authorization: Bearer ...".'],
  [/: cannot be rendered as an import source/, 'Build the source with one of the ImageSource factories instead of a hand-made object.'],
  [/: must be an absolute URL such as/, 'Give the full URL with its scheme, as the message suggests, e.g. "docker://quay.io/containerdisks/fedora:40".'],
  [/: has the unknown scheme/, 'Use a scheme the source takes, or the ImageSource factory the hint names.'],
  [/: must be "algorithm:hex digest"/, 'Write the checksum as "sha256:" followed by its 64 hex digits (or md5, sha1, sha512 with their lengths).'],
  [/: already has a .* written by/, 'Define one StorageClassProfile per storage class (and one SnapshotClass.define per name) and pass the same object wherever it is needed.'],
  [/: must be inside a cdk8s Chart/, 'Create the construct inside a Chart (new Chart(app, ...)), not directly on the App or a bare Construct.'],
  [/: must be one of <allowed>/, 'Use a member of the named enum, as listed in the message.'],
  [/: must be at least 1Mi/, 'Give at least "1Mi"; a disk image usually needs gigabytes, e.g. "10Gi".'],
  [/: must be a list of access modes/, 'Pass an array, e.g. accessModes: [AccessMode.READ_WRITE_MANY].'],
  [/: must not repeat an access mode/, 'List each access mode once.'],
  [/: must hold exactly one access mode with StorageApi\.PVC/, 'Keep one access mode with StorageApi.PVC, or use StorageApi.STORAGE for several.'],
  [/: must have exactly one of pvc and storage|: must have exactly one of source and sourceRef|\.source: must have exactly one source kind|needs a name and a namespace|sourceRef: must name a DataSource|is required: only a clone with the storage API|pvc\.accessModes: must hold exactly one access mode/,
    'Build DataVolumes through GoldenImage, ClonedDisk or VmDisk, whose specs always pass this check; if one does not, report it as a bug.'],
  [/^storageClass: is required$/, 'Name the storage class the profile describes, e.g. storageClass: "ceph-block".'],
  [/^(accessModes|volumeMode): is required together with/, 'Give both accessModes and volumeMode, or neither.'],
  [/^accessModes: must hold at least one access mode/, 'List at least one access mode, or leave accessModes and volumeMode out.'],
  [/^snapshotClass\.driver: must be a CSI driver name/, 'Use the CSI driver name of the storage class\'s provisioner, e.g. "rbd.csi.ceph.com".'],
  // compute: guest identity and first boot
  [/: is the all-zero MAC address/, 'Give a real MAC address, or leave macAddress out for a derived one.'],
  [/\.macAddress: is also the MAC of/, 'Set a different macAddress on one of the two NICs (derived MACs collide only by chance; an explicit one settles it).'],
  [/^macAddresses: must be a MacAddressSource/, 'Use MacAddressSource.derived() or MacAddressSource.kubeMacPool().'],
  [/\.network: is a macvlan network/, 'Attach the VM to a BridgeNetwork on the same segment; keep the MacvlanNetwork for pods (e.g. Ceph) with shareSegmentWith.'],
  [/^defaultRoute: are NICs that each hand the guest a default route/, 'Set defaultRoute: false on every NIC but the one the guest should route through, or set allowMultipleDefaultRoutes.'],
  [/\.defaultRoute: only applies to a NIC that gets its address by DHCP/, 'Drop defaultRoute; leave the default route out of staticRoutes instead.'],
  [/\.defaultRoute: cannot be true/, 'Drop defaultRoute: the NIC has no default route to take.'],
  [/: needs the generated network data/, 'Use MAC addresses the library knows (no KubeMacPool), the NoCloud datasource and no network data Secret of your own, or drop the option and configure the guest yourself.'],
  [/\.staticAddresses: cannot be pinned on/, 'Offer the segment without IPAM (new BridgeNetwork(..., { shareSegmentWith, ipam: Ipam.none() })), pin the address there and exclude it from the pool.'],
  [/\.staticAddresses: must list at least one address/, 'List at least one address, e.g. ["10.0.0.5/24"], or leave staticAddresses out.'],
  [/: must be an address with its prefix length, such as/, 'Write the address with its prefix length, e.g. "10.0.0.5/24".'],
  [/: must be a host address, not the network or broadcast address/, 'Pin an address between the subnet\'s network and broadcast addresses.'],
  [/\.staticRoutes: only apply with staticAddresses/, 'Pin an address (staticAddresses) on the NIC, or drop staticRoutes.'],
  [/\.gateway: must be an address of the destination's family inside the subnet/, 'Route through a next hop inside one of the pinned addresses\' subnets, of the destination\'s IP family.'],
  [/: is also pinned by/, 'Pin a different address on one of the two NICs.'],
  [/: lies in the address pool/, 'Add the address to the pool\'s exclude list (as the message shows), or pin an address outside the pool.'],
  [/cloudInit\.<userSources\[1\]>: cannot be combined with/, 'Give the user data one way: inline, from a Secret, or from a secret store.'],
  [/^cloudInit\.networkDataSecretName: cannot be combined with networkData/, 'Give the network data inline (merged with the generated one) or in a Secret of your own, not both.'],
  [/^cloudInit: must be a CloudInit/, 'Build it with CloudInit.noCloud({...}) or CloudInit.configDrive({...}).'],
  [/^configureGuestNetwork: cannot be done/, 'Leave configureGuestNetwork out, or remove what the message names (KubeMacPool, ConfigDrive, a network data Secret).'],
  [/: must be YAML: /, 'Fix the YAML of the network data.'],
  [/: must be a YAML mapping \(cloud-init network config\)/, 'Write the network data as a mapping: version: 2 and ethernets.'],
  [/: must be network config version 2 to be merged/, 'Rewrite the network data as version 2, or set configureGuestNetwork: false to write it as it is.'],
  [/: must have ethernets as a mapping of NIC entries/, 'Write ethernets as a mapping of entries keyed by NIC name.'],
  [/^cloudInit\.networkData: configures the NIC/, 'Key the entry by the NIC\'s interface name, as the message says, so it is merged into the generated entry.'],
  [/^cloudInit\.networkData: must be at most 2048 bytes inline/, 'Shorten the network data, or put it whole in a Secret (networkDataSecretName) with configureGuestNetwork: false.'],
  // compute
  [/cloudInit\.<ref>: cannot be combined with/, 'Give the data inline or the name of a Secret holding it, not both.'],
  [/cloudInit\.<inline>: must not be empty/, 'Give non-empty data, e.g. "#cloud-config\\n...", or leave the field out.'],
  [/^cloudInit: must have user data or network data/, 'Give userData, networkData or a Secret of either, or leave cloudInit out.'],
  [/^sshKeys\.propagation\.users: must name at least one guest user/, 'Name the guest users whose authorized_keys get the keys, e.g. ["fedora"].'],
  [/^sshKeys\.propagation\.users\[<i>\]: must be a guest user name/, 'Use a Linux user name such as "fedora" or "cloud-user".'],
  [/^sshKeys: must list at least one public key/, 'List at least one public key, or use SshKeys.fromSecret().'],
  [/^sshKeys\[<i>\]: must be one OpenSSH public key line/, 'Paste the public key line (the .pub file), never the private key.'],
  [/clonedDisk: must be in the VM's namespace/, 'Create the ClonedDisk in the VM\'s namespace, or use VmDisk.fromClone() so the VM owns its clone.'],
  [/\.image: must be a container image reference without whitespace/, 'Give the image reference without spaces, e.g. "quay.io/containerdisks/fedora:40".'],
  [/\.name: must be a DNS-1123 label \(KubeVirt names/, 'Name the disk with lower-case letters, digits and \'-\', at most 63 characters, e.g. "data".'],
  [/\.bus: must be one of/, 'Use DiskBus.VIRTIO, SATA, SCSI or USB (KubeVirt refuses ide).'],
  [/\.(cache|io): must be one of|^diskCache: must be one of/, 'Use a member of the enum (DiskCache or DiskIo), as listed in the message.'],
  [/dedicatedIoThread: needs a virtio disk/, 'Put the disk on DiskBus.VIRTIO, or drop dedicatedIoThread.'],
  [/\.io: needs a preallocated disk/, 'Set preallocation: true on a new disk (preallocated: true on an existing one), or use another IO mode.'],
  [/dataVolumeName: must be a DNS-1123 subdomain/, 'Give a dataVolumeName of lower-case letters, digits, \'-\' and \'.\', or shorten the VM or disk name it is built from.'],
  [/^service\.name: must be a DNS-1035 label/, 'Name the Service with lower-case letters, digits and \'-\', starting with a letter (e.g. "vm-ssh").'],
  [/^service\.name: is already a Service of this VM/, 'Give the second Service another name.'],
  [/^service: cannot reach the VM/, 'Reach a fully isolated VM on its Multus network, or open it to the pod network (no Multus default network) to put a Service in front.'],
  [/^service\.ports: must list at least one port/, 'List at least one VmPort, or leave ports out for SSH.'],
  [/^service\.ports\[<i>\]\.name: is required when the Service has more than one port/, 'Name every port, e.g. VmPort.tcp(443, "https").'],
  [/^service\.ports\[<i>\]: is listed twice/, 'List each port and protocol once.'],
  [/^service\.ports\[<i>\]: is not forwarded to the guest/, 'Add the port to PodNetwork.masquerade({ ports }) as well, or leave that list out to forward every port.'],
  [/^service\.type: must be one of/, 'Use VmServiceType.CLUSTER_IP, NODE_PORT or LOAD_BALANCER.'],
  [/: conflicts with the instancetype/, 'Leave CPU and memory to the instancetype, or drop the instancetype and set them on the VM.'],
  [/: cannot be combined with an instancetype/, 'Put the knob into the instancetype (e.g. the cx1 series for dedicated CPUs), or drop the instancetype.'],
  [/^memory: is required without an instancetype/, 'Set memory, e.g. "4Gi", or give an instancetype.'],
  [/^memory: must be at least 1M/, 'Give the guest at least 1M of memory; real guests need hundreds of MiB.'],
  [/^<key>: must be a positive integer/, 'Give whole counts of at least 1 for cpu, sockets and threads.'],
  [/^memoryLimit: must be at least memory/, 'Raise memoryLimit to at least memory, or leave it out.'],
  [/^cpuRequest: must not exceed cpuLimit/, 'Lower cpuRequest or raise cpuLimit.'],
  [/^threads: must be at most 2 with dedicated CPU placement/, 'Use at most 2 threads per core with dedicated CPUs; add cores or sockets instead.'],
  [/: must be a whole number of CPUs with dedicated CPU placement/, 'Request whole CPUs ("4", not "3500m") with dedicated CPUs, or leave the request and limit out.'],
  [/: must equal the vCPUs .* with dedicated CPU placement/, 'Make cpuRequest and cpuLimit equal to cores x sockets x threads, or leave them out.'],
  [/^memoryLimit: must equal memory .* with dedicated CPU placement/, 'Set memoryLimit to memory, or leave it out, with dedicated CPUs.'],
  [/: needs dedicatedCpuPlacement/, 'Set dedicatedCpuPlacement: true (or use PerformanceProfile.dedicatedCpu()), or drop the knob.'],
  [/^numaGuestMappingPassthrough: needs hugepages/, 'Set hugepages (HugepageSize.SIZE_2MI or SIZE_1GI) together with NUMA passthrough.'],
  [/^realtime: needs numaGuestMappingPassthrough/, 'Set numaGuestMappingPassthrough (with hugepages) for real-time vCPUs, or use PerformanceProfile.lowLatency().'],
  [/^hugepages: must be 2Mi or 1Gi/, 'Use HugepageSize.SIZE_2MI or HugepageSize.SIZE_1GI.'],
  [/^memory: must be a multiple of the hugepage size/, 'Round memory to a multiple of the page size, e.g. "4Gi" with 1Gi pages or "2050Mi" with 2Mi pages.'],
  [/^ioThreadsPolicy: must be one of/, 'Use IoThreadsPolicy.SHARED, AUTO or SUPPLEMENTAL_POOL.'],
  [/^ioThreadsSupplementalPoolThreadCount: must be a positive integer/, 'Give ioThreadsSupplementalPoolThreadCount, e.g. 4, with the supplementalPool policy.'],
  [/^ioThreadsSupplementalPoolThreadCount: only applies with/, 'Drop the thread count, or use IoThreadsPolicy.SUPPLEMENTAL_POOL.'],
  [/^runStrategy: must be one of/, 'Use a RunStrategy member, e.g. RunStrategy.ALWAYS or HALTED.'],
  [/^evictionStrategy: must be one of/, 'Use an EvictionStrategy member, e.g. EvictionStrategy.LIVE_MIGRATE.'],
  [/^hostname: must be a DNS-1123 label/, 'Use a single DNS label as hostname (no dots); put the domain in subdomain.'],
  [/^(subdomain|serviceAccountName): must be a DNS-1123 subdomain/, 'Use lower-case letters, digits, \'-\' and \'.\' only.'],
  [/^terminationGracePeriod: must be a whole number of seconds/, 'Give a whole number of seconds, e.g. Duration.seconds(180).'],
  [/^tolerations\[<i>\]\.operator: must be Exists when the key is empty/, 'Give the toleration a key, or use operator "Exists" to tolerate every taint.'],
  [/^tolerations\[<i>\]\.value: must be empty with the Exists operator/, 'Drop the value, or use operator "Equal".'],
  [/^tolerations\[<i>\]\.operator: must be Exists or Equal/, 'Use operator "Exists" or "Equal".'],
  [/^tolerations\[<i>\]\.effect: must be/, 'Use effect "NoSchedule", "PreferNoSchedule" or "NoExecute", or leave it out for all.'],
  [/^tolerations\[<i>\]\.tolerationSeconds: only applies with the NoExecute effect/, 'Use effect "NoExecute" with tolerationSeconds, or drop tolerationSeconds.'],
  [/\.isDefault: conflicts with .* at most one default network/, 'Mark one network isDefault; attach the others without it.'],
  [/\.isDefault: cannot be combined with a pod network/, 'Set podNetwork: PodNetwork.none(), or drop isDefault and keep the pod network.'],
  [/\.isDefault: would isolate the VM from the pod network its Service/, 'Add the default network before exposing nothing, or keep the pod network and its Service.'],
  [/\.network: gives no default route/, 'Give the network a default route (IPAM route to 0.0.0.0/0 or isDefaultGateway), or set acknowledgeNoRouteOut.'],
  [/^dns: must give resolvers the VM can reach/, 'Pass dns: VmDns.custom({ nameservers: [...] }) with resolvers on the default network, or set acknowledgeNoDns.'],
  [/\.name: is used by another interface of the VM/, 'Give each interface a unique name, e.g. { network, name: "storage" }.'],
  [/\.model: must be virtio with networkInterfaceMultiqueue/, 'Use NicModel.VIRTIO (or leave model out), or turn networkInterfaceMultiqueue off.'],
  [/: is already the boot order of/, 'Give each bootable disk and NIC its own bootOrder.'],
  [/is refused by Multus namespace isolation/, 'Offer the network in the VM\'s namespace (BridgeNetwork.shareInto), put it in a global namespace, or move the VM.'],
  [/\.name: is used by another disk of the VM/, 'Give each disk a unique name.'],
  [/\.name: is reserved for the cloud-init disk/, 'Name the disk anything but "cloudinit".'],
  [/dataVolumeName: is the DataVolume of another disk/, 'Give each owned disk its own dataVolumeName, or leave it out for <vm>-<disk>.'],
  [/\.cache: must be none with native IO/, 'Use cache DiskCache.NONE with native IO, or use DiskIo.THREADS.'],
  [/^<field>\.nameservers: must list 1 to 3 name servers/, 'List one to three name servers.'],
  [/^<field>\.nameservers\[<i>\]: must be an IPv4 or IPv6 address/, 'Give name servers as IP addresses, e.g. "10.0.0.53".'],
  [/^<field>\.searches: must list at most 6 search domains/, 'Keep at most six search domains: KubeVirt admits no more on a VM, whatever newer Kubernetes allows pods.'],
  [/^<field>\.searches\[<i>\]: must be a DNS-1123 subdomain/, 'Use lower-case DNS names such as "svc.example.com".'],
  [/^<field>\.searches: must have at most 256 characters/, 'Shorten or drop search domains until they fit in 256 characters.'],
  [/^<field>\.options\[<i>\]\.name: must not be empty/, 'Name each resolver option, e.g. { name: "ndots", value: "2" }.'],
  [/\.network: must be a NetworkAttachmentDefinition/, 'Pass a BridgeNetwork, MacvlanNetwork, SharedCephNetwork or NetworkAttachmentReference.'],
  [/\.binding: must not be masquerade/, 'Use InterfaceBinding.BRIDGE (the default) on a Multus network.'],
  [/\.binding: must be sriov/, 'Leave binding out (SR-IOV is the default there) or use InterfaceBinding.SRIOV.'],
  [/\.binding: must not be sriov/, 'Leave binding out for bridge binding, or attach to an SR-IOV network.'],
  [/: only applies to the default network \(isDefault: true\)/, 'Drop the acknowledgement, or make the network the default with isDefault: true.'],
  [/\.model: must be one of/, 'Use a NicModel member, e.g. NicModel.VIRTIO or E1000E.'],
  [/\.model: does not apply to SR-IOV/, 'Leave model out on SR-IOV interfaces.'],
  [/\.name: is used by another port of the interface/, 'Give each port a unique name.'],
  [/: must be host-passthrough, host-model or a libvirt CPU model name/, 'Use CpuModel.hostPassthrough(), hostModel() or a libvirt model name without spaces such as "Skylake-Server".'],
  [/: must contain only letters, digits, '-' and '_'/, 'Name the interface with letters, digits, \'-\' and \'_\' only, e.g. "storage_net".'],
  [/: must be a MAC address of 6 bytes/, 'Write six bytes, e.g. "02:00:5e:00:53:01".'],
  [/: must be a unicast MAC address/, 'Clear the lowest bit of the first byte, e.g. "02:..." instead of "01:..." (locally administered unicast).'],
  [/: is reserved for the in-pod bridge of masquerade binding/, 'Choose another MAC address, e.g. "02:00:00:00:00:01".'],
  [/: must be a PCI address/, 'Write domain:bus:slot.function, e.g. "0000:81:01.0".'],
  [/: must be an IANA service name/, 'Use at most 15 lower-case letters, digits and single \'-\' with at least one letter, e.g. "https-alt".'],
  [/: must be an integer from 1 to 65535/, 'Use a port number from 1 to 65535.'],
  [/: must be an integer of at least 1/, 'Start boot orders at 1.'],
  // tenancy
  [/^defaultNetwork\.isDefault: must not be false/, 'Leave isDefault out of defaultNetwork; add other networks with addNetwork().'],
  [/\.namespace: must be the tenant's namespace/, 'Leave namespace out; the tenant puts everything in its own namespace.'],
  [/\.isDefault: is taken: the tenant's default network is/, 'Drop isDefault: a tenant has one default network, the one given at construction.'],
  [/\.podNetwork: is decided by the tenant/, 'Drop podNetwork; pass openPodNetwork: true to add the pod network.'],
  [/\.networks\[<i>\]\.isDefault: is the tenant's default network/, 'Attach the network without isDefault; the tenant\'s default network stays the default.'],
  [/: belongs to tenant .* a VM attaches only to its own tenant's networks/, 'Attach the VM only to its own tenant\'s networks, or move the VM into the tenant that owns the network.'],
  [/is not (a network of|granted to) tenant/, 'Grant the network to the tenant with grantSharedNetwork() (or sharedNetworks) first.'],
  [/\.macSpoofCheck: must stay on for a tenant network/, 'Leave macSpoofCheck out (it is on for tenant networks).'],
  [/\.preserveDefaultVlan: must stay off for a tenant network/, 'Leave preserveDefaultVlan out (it is off for tenant networks on a VLAN).'],
  [/\.name: is the name of the tenant's copy of the shared network/, 'Name the tenant network differently from the shared networks granted to the tenant.'],
  [/\.openPodNetwork: needs a tenant that allows the pod network/, 'Set allowPodNetwork: true on the tenant, or leave openPodNetwork out.'],
  [/^sharedNetworks\[<[^>]+>\]: must check source MACs/, 'Give the shared network macSpoofCheck: true (a SharedCephNetwork has it).'],
  [/^sharedNetworks\[<[^>]+>\]: cannot be offered in the tenant's namespace/, 'Grant a SharedCephNetwork or BridgeNetwork of this app, or use SharedNetworkAccess.SHARED_NAMESPACE.'],
  [/^sharedNetworks\[<[^>]+>\]: would be offered as .* which is a network of the tenant already/, 'Rename the tenant network or the shared network so that the tenant\'s copy gets a name of its own.'],
  [/^networks\[<i>\]: is offered to tenant .* attach to that one/, 'Attach the VM to the tenant\'s copy of the shared network (IsolatedTenant.sharedNetworkFor()), or add the VM with IsolatedTenant.addVm().'],
  [/^podNetwork: is not allowed in the namespace of tenant/, 'Give the VM PodNetwork.none() and the tenant\'s default network, or set allowPodNetwork: true on the tenant.'],
  [/: must be a whole number >= 0$/, 'Give a whole count of zero or more.'],
  [/^quota: must limit at least one resource/, 'Set at least one quota field (cpu, memory, storage, virtualMachines or persistentVolumeClaims), or leave quota out.'],
  [/^name: is already the name of tenant/, 'Give each tenant a unique name.'],
  [/^namespace: already belongs to tenant/, 'Give each tenant its own namespace.'],
  [/^sharedNetworks\[<i>\]: is listed twice/, 'List each shared network once.'],
  [/\.name: is used by another tenant network of this shoot/, 'Give each tenant network of the shoot a unique name.'],
  [/\.network: must not set name, namespace or shareSegmentWith/, 'Remove name, namespace and shareSegmentWith from the network settings; the provider names the attachment.'],
  [/\.isDefault: is already set on another tenant network/, 'Mark one tenant network of the shoot isDefault.'],
  [/\.network\.ipam: must assign addresses from a range/, 'Give the default network a whereabouts or host-local IPAM with a range: it becomes the node network.'],
  [/^workers\[<i>\]\.name: is used by another worker pool/, 'Give each worker pool a unique name.'],
  [/\.maximum: must be a whole number >= minimum/, 'Set maximum to at least minimum.'],
  [/\.zones: must name at least one zone/, 'List at least one zone of the hosting cluster, e.g. ["zone-a"].'],
  [/\.hugepageSize: must be "2Mi" or "1Gi"/, 'Use hugepageSize "2Mi" or "1Gi", or leave it out.'],
  // tenancy: Gardener shoots (Gardener v1.149 and the archived KubeVirt provider v0.2.0)
  [/^region: is required: the region of the CloudProfile/, 'Name the region of the KubeVirt CloudProfile, e.g. "local".'],
  [/^workers: must be a list of worker pools/, 'Pass workers as a list of ShootWorkerProps.'],
  [/^networkingType: must be a valid label name/, 'Name an installed Gardener networking extension, e.g. "calico" or "cilium".'],
  [/^name: must not contain "--"/, 'Use single hyphens in the shoot name, e.g. "shoot-1".'],
  [/^namespace: must be a Gardener project namespace/, 'Use the project\'s namespace, "garden-<project>" (or "garden"), e.g. "garden-dev".'],
  [/^projectName: must have at most 10 characters/, 'Use a project name of at most 10 characters with single hyphens, or set projectName to the real project name.'],
  [/^name: must have at most 21 characters together with the project name/, 'Shorten the shoot name so that it and the project name have at most 21 characters together.'],
  [/: must not be set without worker pools|: must be empty without worker pools/, 'Add a worker pool, or remove the field: Gardener forbids it on a workerless shoot.'],
  [/^workers: must list at least one worker pool/, 'Add a worker pool: a KubeVirt shoot cannot be workerless.'],
  [/^secretBindingName: cannot be combined with credentialsBindingName/, 'Drop secretBindingName and keep credentialsBindingName.'],
  [/^credentialsBindingName: is required/, 'Name the CredentialsBinding that holds the hosting cluster\'s kubeconfig in credentialsBindingName.'],
  [/^secretBindingName: is refused by Gardener for Kubernetes 1\.34/, 'Move to a CredentialsBinding and set credentialsBindingName instead.'],
  [/^nodesCidr: must be the range .* of the default tenant network/, 'Leave nodesCidr out (the default tenant network\'s range is used) or give exactly that range.'],
  [/^nodesCidr: is required without a default tenant network/, 'Give nodesCidr, or make one tenant network the default (isDefault: true): its range becomes the node network.'],
  [/\.network\.ipam: must assign IPv4 addresses/, 'Give the default tenant network an IPv4 range; Gardener shoots written here are single-stack IPv4.'],
  [/: overlaps 240\.0\.0\.0\/8 to 244\.0\.0\.0\/8/, 'Pick a range outside 240.0.0.0/8 to 244.0.0.0/8, e.g. in 10.0.0.0/8 or 100.64.0.0/10.'],
  [/^workers: must have a pool with maximum above 0/, 'Give at least one worker pool a maximum above 0.'],
  [/\.maximum: must be at least the number of zones/, 'Raise maximum to at least the number of zones, or list fewer zones.'],
  [/: is required: Gardener looks it up in the CloudProfile/, 'Name the machine type and image (name and version) as the CloudProfile lists them.'],
  [/\.minimum: must be at least 1 when maximum is above 0/, 'Set minimum to at least 1, or maximum to 0 for an empty pool.'],
  [/\.zones\[<j>\]: must be a zone name/, 'Name the zone, e.g. "zone-a".'],
  [/\.zones\[<j>\]: is listed twice/, 'List each zone once.'],
  [/\.volumeType: is required: the KubeVirt provider refuses a worker without volume\.type/, 'Name the CloudProfile volume type of the root disk in volumeType, e.g. "ceph-block".'],
  [/\.name: must be a DNS-1123 label of at most 15 characters/, 'Use at most 15 lower-case letters, digits and \'-\', e.g. "worker" or "containerd".'],
  [/\.name: is used by another data volume of the pool/, 'Give each data volume of the pool its own name.'],
  [/\.storageClass: must name a volume type of the CloudProfile/, 'Name a volume type, or leave storageClass out to use the worker\'s volumeType.'],
  [/\.dns: must be a VmDns/, 'Pass VmDns.custom({ nameservers: [...] }), VmDns.node() or VmDns.clusterFirst().'],
  [/\.dns: must give resolvers the node VMs can reach/, 'Give the pool dns: VmDns.custom({ nameservers: [...] }) with resolvers on the tenant network (or the stack\'s dnsServers), or set acknowledgeNoDns on the default tenant network.'],
  [/: must be a whole number of gibibytes such as "30Gi"/, 'Write the size in whole Gi, e.g. "30Gi" instead of "30G" or "30720Mi".'],
  // tenancy: rules every cluster on KubeVirt follows
  [/: must be an IPv4 CIDR/, 'Give an IPv4 CIDR such as "100.96.0.0/11".'],
  [/: overlaps the .* network .*: a cluster's node, pod and service networks must be disjoint/, 'Give the node, pod and service networks ranges that do not overlap, e.g. nodes 10.250.0.0/16, pods 100.96.0.0/11, services 100.64.0.0/13.'],
  [/: must be a Kubernetes version of the CloudProfile/, 'Write the version as the CloudProfile lists it, e.g. "1.33.4", without "v".'],
  [/: must be a full Kubernetes version such as "v1\.33\.4"/, 'Write major.minor.patch, e.g. "v1.33.4" or "1.33.4".'],
  // tenancy: Cluster API clusters on KubeVirt (Cluster API v1.10.9, CAPK v0.1.10)
  [/^controlPlane: is required: a Cluster API cluster needs a control plane/, 'Give controlPlane: { machine: { ... } }.'],
  [/^workerPools: must be a list of worker pools/, 'Pass workerPools as a list of CapkWorkerPoolProps, or leave it out.'],
  [/^controlPlane\.replicas: must be an odd whole number/, 'Run 1, 3 or 5 control-plane machines.'],
  [/^controlPlaneEndpoint: is required: the machines of/, 'Give controlPlaneEndpoint: an address on the node network the management cluster reaches (a kube-vip VIP or a load balancer), kept out of the IPAM pool; or keep the machines on the pod network.'],
  [/^controlPlaneEndpoint\.host: must be an IP address or a DNS name/, 'Give a bare address or host name, without scheme or port, e.g. "10.250.1.10".'],
  [/\.name: is the name of the control plane's objects/, 'Give the worker pool another name, e.g. "md-0".'],
  [/\.name: is used by another worker pool; pool names are unique/, 'Give each worker pool a unique name.'],
  [/\.name: must be a DNS-1123 label that keeps .* within 63 characters/, 'Shorten the pool name (or the cluster name) so that "<cluster>-<pool>" has at most 63 characters.'],
  [/\.replicas: cannot be combined with minReplicas\/maxReplicas/, 'Drop replicas from an autoscaled pool, or drop minReplicas and maxReplicas for a fixed size.'],
  [/\.(min|max)Replicas: is required with the other bound/, 'Give both minReplicas and maxReplicas, or neither.'],
  [/\.minReplicas: must be a whole number of at least 1/, 'Keep at least one machine in an autoscaled pool, or give the pool a fixed replicas count.'],
  [/\.maxReplicas: must be a whole number of at least minReplicas/, 'Raise maxReplicas to at least minReplicas.'],
  [/: is required: the VM of each machine/, 'Give the machine: { cpu, memory, rootDisk, ... }.'],
  [/: is not a setting of a machine/, 'Remove the field: CAPK decides it for every machine (put first-boot settings and users into the KubeadmConfig).'],
  [/\.rootDisk: is required: a VmDisk the machines boot from/, 'Give rootDisk, e.g. VmDisk.fromGoldenImage(image) of a Kubernetes node image built with Cluster API image-builder.'],
  [/\.podNetwork: is the namespace of tenant .* whose NetworkPolicy/, 'Isolate the machines on the tenant\'s network (isDefault, with controlPlaneEndpoint), or create the cluster in a namespace that no tenant owns.'],
  [/\.macAddress: cannot be set on a machine/, 'Leave macAddress out on CAPK machines: KubeVirt (or kubemacpool) gives each VM its own.'],
  [/: is the volume CAPK adds to every node VM/, 'Name the disk anything but "cloudinitvolume".'],
  [/: is an existing .* that every machine would share/, 'Use VmDisk.blank(), fromGoldenImage() or fromClone(): CAPK creates those disks once per machine.'],
  [/\.podNetwork\.ports: must forward 6443\/TCP/, 'Add VmPort.tcp(6443) to the masquerade ports of the control-plane machines, or leave the port list out.'],
  [/\.podNetwork\.ports: must forward 22\/TCP with the SSH bootstrap check/, 'Add VmPort.ssh() to the masquerade ports, leave the port list out, or use CapkBootstrapCheck.NONE.'],
  // network: address capacity (pools.ts, capacity.ts) and the estate plan
  [/^range: has .* usable addresses .* fewer than the .* it needs/, 'Give the network a larger range (or fewer exclusions), move some VMs to another network, or, for VMs that never live-migrate, lower the migration headroom with AddressCapacity.configure().'],
  [/^ipam\.addresses: is given to every interface of the network by static IPAM/, 'Give each VM a network of its own with static IPAM, or use whereabouts for a network that several VMs share.'],
  [/must be a share of the interfaces greater than 0/, 'Give MigrationHeadroom.fraction() a share such as 0.1 (10 %); for no spare addresses use MigrationHeadroom.none().'],
  [/must be a whole number of addresses from 0 up/, 'Give MigrationHeadroom.addresses() a whole number, e.g. 5 (KubeVirt\'s default parallelMigrationsPerCluster).'],
  [/^migrationHeadroom: must be a MigrationHeadroom/, 'Pass MigrationHeadroom.fraction(share), MigrationHeadroom.addresses(count) or MigrationHeadroom.none().'],
  [/^warningThreshold: must be a share of the usable addresses/, 'Give the threshold as a share from just above 0 to 1, e.g. 0.8 for 80 %.'],
  [/^addressCapacity: the app's address capacity is already configured/, 'Call AddressCapacity.configure() once per app.'],
  [/^pictureDetailLimit: must be a whole number from 0 up/, 'Give the number of tenants to draw one by one, e.g. 12, or 0 to always group alike tenants.'],
  [/^Graphviz did not answer within/, 'Synthesize again; if it recurs, report it with the DOT source from EstatePlan.of(app).toDot().'],
  [/^Graphviz could not draw the estate/, 'Report it with the DOT source from EstatePlan.of(app).toDot(); meanwhile write the plan without the picture (EstatePlan.of(app, { svg: false })).'],
  // stacks
  [/^Validation failed with the following errors:/, 'Fix each problem listed below the first line; each is catalogued under its rule.'],
  [/^images: is listed twice/, 'Give each catalog image a unique name.'],
  [/\.image: is not an image of this catalog/, 'Name one of the catalog\'s images (images or uploadImages) in the clone.'],
  [/^(vms|tenants|shoots|clusters): must list at least one/, 'List at least one entry.'],
  [/^provider: must be a ClusterProvider/, 'Pass ClusterProvider.gardener({...}) or ClusterProvider.capk({...}).'],
  [/\.pools: must list at least one worker pool/, 'Give every cluster at least one worker pool.'],
  [/: is required with ClusterProvider\.gardener\(\)/, 'Give each pool the CloudProfile machine type its nodes run as, e.g. machineType: "standard-4".'],
  [/\.apiServerAddress: is required with ClusterProvider\.capk\(\)/, 'Give the address (e.g. a VIP inside the cluster\'s range) that kube-vip or a load balancer serves the API server on.'],
  [/: is required with ClusterProvider\.capk\(\): CAPK sizes each node VM/, 'Give each pool cpu and memory, e.g. cpu: 4, memory: "16Gi".'],
  [/^props\.name: cannot be set for a group of VMs/, 'Leave name out of the group\'s props: list the VMs\' names in names (one VM each).'],
  // output folder (GitOpsApp)
  [/^yamlOutputType: is not read by GitOpsApp/, 'Leave yamlOutputType out and set layout: ManifestLayout.SINGLE_FILE, FILE_PER_CHART or FILE_PER_RESOURCE.'],
  [/^id: cannot name a file of the output/, 'Give the chart an id that is a plain file name (not "." or "..", not GitOpsApp\'s index or staging name).'],
  [/^outdir: .*already exists and was not written by this app/, 'Move the file out of the output folder, or delete it if it is the output of an older run (GitOpsApp lists what it wrote in .cdk8s-kubevirt-files.json).'],
  [/^outdir: .*is not an index GitOpsApp wrote/, 'Restore .cdk8s-kubevirt-files.json from version control, or delete it together with the files it listed.'],
  [/^file: must be a relative path inside the output folder/, 'Name the extra file relative to the output folder with \'/\' between folders, e.g. "docs/plan.md".'],
  [/^file: is also written by/, 'Give each extra output file its own path, different from every manifest\'s.'],
];

if (require.main === module) main();
