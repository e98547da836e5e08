// Go template actions (Helm charts): where each one is, whether it prints anything, where its
// output lands, and the few expressions the graph can follow: a `.Values` lookup (with `default`
// and `quote`) and an `include` of a named template with the chart's root context.
//
// Pure like the rest of `model/`: the text of one file in, plain data out. Resolving a lookup
// against a chart's values.yaml is the graph's job (graph/helm.ts).

import { maskTemplateActions } from './text';
import type { Span } from './types';

export interface TemplateAction {
  span: Span;
  /** Whether it prints text: `if`, `else`, `end`, `with`, `range`, `define`, comments and assignments do not. */
  output: boolean;
  /** Alone on its line (masking blanks the line): what it prints starts lines of its own. */
  ownLine: boolean;
  /**
   * The column its output starts at, where that is known: `nindent N`, or its own column (plus
   * `indent N`) where it does not trim the space before it.
   */
  outputColumn: number | undefined;
  /** Inside `with`, `range` or `define`, where `.` is not the chart's root context. */
  scoped: boolean;
  /** What it computes, where portchain can follow it. */
  expression: TemplateExpression | undefined;
}

export type TemplateExpression = ValuesLookup | IncludeCall;

/** One function of a lookup's pipeline, applied in order after the lookup. */
export type LookupStep =
  | { kind: 'default'; value: string | number | boolean; span: Span }
  | { kind: 'quote' }
  | { kind: 'int' }
  | { kind: 'toString' };

/** `.Values.service.port | default 80 | quote`, or `default 80 .Values.service.port`. */
export interface ValuesLookup {
  kind: 'values';
  /** `['service', 'port']`. */
  path: string[];
  steps: LookupStep[];
  /** One canonical spelling: equal texts render equal values within one chart. */
  text: string;
}

/** `include "chart.selectorLabels" .`: one named template with the root context renders the same text wherever it is included. */
export interface IncludeCall {
  kind: 'include';
  name: string;
  /** `include "chart.selectorLabels" .`, whatever the spacing, trim markers and indentation. */
  text: string;
}

export interface TemplateScan {
  /** The text with every action blanked out, same length and same line breaks (see maskTemplateActions). */
  masked: string;
  /** Every action, in text order. */
  actions: TemplateAction[];
}

/** Finds and classifies the template actions of a text; undefined where it holds none. */
export function scanTemplate(text: string): TemplateScan | undefined {
  const masked = maskTemplateActions(text);
  if (!masked) return undefined;
  const blocks: string[] = [];
  const actions = masked.actions.map((span): TemplateAction => {
    const raw = text.slice(span.start, span.end);
    const trimLeft = raw.startsWith('{{-');
    const bodyStart = span.start + (trimLeft ? 3 : 2);
    const body = text.slice(bodyStart, span.end - (raw.endsWith('-}}') && raw.length >= 5 ? 3 : 2));
    const words = tokens(body, bodyStart);
    const keyword = words[0]?.text;
    const scoped = blocks.some((block) => block !== 'if');
    let output = true;
    if (body.trimStart().startsWith('/*') || keyword === undefined) output = false;
    else if (keyword === 'if' || keyword === 'with' || keyword === 'range' || keyword === 'define' || keyword === 'block') {
      blocks.push(keyword);
      output = false;
    } else if (keyword === 'end') {
      blocks.pop();
      output = false;
    } else if (keyword === 'else' || keyword === 'break' || keyword === 'continue') output = false;
    else if (words.length >= 2 && (words[1].text === ':=' || words[1].text === '=')) output = false;
    const ownLine = masked.text.charCodeAt(span.start) !== 95; /* '_' */
    const column = span.start - lineStartOf(text, span.start);
    return {
      span,
      output,
      ownLine,
      outputColumn: output && ownLine ? outputColumnOf(words, column, trimLeft) : undefined,
      scoped,
      expression: output ? expressionOf(words, scoped) : undefined,
    };
  });
  return { masked: masked.text, actions };
}

function lineStartOf(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && text[at - 1] !== '\n' && text[at - 1] !== '\r') at--;
  return at;
}

interface Token {
  text: string;
  start: number;
}

/** Words of an action's body (strings and parentheses kept whole), with `|` as a word of its own. */
function tokens(body: string, offset: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '|') i++;
    else if (c === '"' || c === '`') {
      i++;
      while (i < body.length && body[i] !== c) i += body[i] === '\\' && c === '"' ? 2 : 1;
      i++;
    } else if (c === '(') {
      let depth = 0;
      for (; i < body.length; i++) {
        if (body[i] === '(') depth++;
        else if (body[i] === ')' && --depth === 0) {
          i++;
          break;
        }
      }
    } else {
      while (i < body.length && !/[\s|()"`]/.test(body[i])) i++;
    }
    out.push({ text: body.slice(start, Math.min(i, body.length)), start: offset + start });
  }
  return out;
}

/** Splits a pipeline into its commands. */
function commands(words: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const word of words) {
    if (word.text === '|') out.push([]);
    else out[out.length - 1].push(word);
  }
  return out;
}

function outputColumnOf(words: Token[], column: number, trimLeft: boolean): number | undefined {
  for (const command of commands(words)) {
    if (command[0]?.text === 'nindent' && command.length === 2 && /^\d+$/.test(command[1].text)) return Number(command[1].text);
  }
  if (trimLeft) return undefined;
  for (const command of commands(words)) {
    if (command[0]?.text === 'indent' && command.length === 2 && /^\d+$/.test(command[1].text)) return column + Number(command[1].text);
  }
  return column;
}

const VALUES_PATH = /^(\$)?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/;

/** A values lookup or an include with the root context; undefined for anything else. */
function expressionOf(words: Token[], scoped: boolean): TemplateExpression | undefined {
  const pipeline = commands(words);
  const first = pipeline[0];
  if (first.length === 0) return undefined;
  if ((first[0].text === 'include' || first[0].text === 'template') && first.length === 3) {
    const name = stringLiteral(first[1].text);
    const context = first[2].text;
    if (name === undefined || !(context === '$' || (context === '.' && !scoped))) return undefined;
    // Only the pipes that move or trim the text keep it the same labels.
    if (!pipeline.slice(1).every((command) => (command.length === 2 && (command[0].text === 'nindent' || command[0].text === 'indent')) || (command.length === 1 && command[0].text === 'trim'))) return undefined;
    return { kind: 'include', name, text: `include ${JSON.stringify(name)} .` };
  }
  const steps: LookupStep[] = [];
  let path: string[] | undefined;
  if (first.length === 1) path = valuesPath(first[0].text, scoped);
  else if (first.length === 3 && first[0].text === 'default') {
    const fallback = literal(first[1]);
    path = valuesPath(first[2].text, scoped);
    if (!fallback) return undefined;
    steps.push(fallback);
  } else if (first.length === 2 && first[0].text === 'quote') {
    path = valuesPath(first[1].text, scoped);
    steps.push({ kind: 'quote' });
  }
  if (!path) return undefined;
  for (const command of pipeline.slice(1)) {
    const name = command[0]?.text;
    if (name === 'default' && command.length === 2) {
      const fallback = literal(command[1]);
      if (!fallback) return undefined;
      steps.push(fallback);
    } else if ((name === 'quote' || name === 'toString') && command.length === 1) steps.push({ kind: name });
    else if ((name === 'int' || name === 'int64') && command.length === 1) steps.push({ kind: 'int' });
    else return undefined;
  }
  const text = [`.Values.${path.join('.')}`, ...steps.map((step) => (step.kind === 'default' ? `default ${JSON.stringify(step.value)}` : step.kind))].join(' | ');
  return { kind: 'values', path, steps, text };
}

function valuesPath(word: string, scoped: boolean): string[] | undefined {
  const match = VALUES_PATH.exec(word);
  // Inside `with` and `range`, `.` is the item: only `$.Values` still reaches the chart's values.
  if (!match || (scoped && !match[1])) return undefined;
  return match[2].slice(1).split('.');
}

function literal(token: Token): LookupStep | undefined {
  const span = { start: token.start, end: token.start + token.text.length };
  if (/^-?\d+$/.test(token.text)) return { kind: 'default', value: Number(token.text), span };
  if (token.text === 'true' || token.text === 'false') return { kind: 'default', value: token.text === 'true', span };
  const text = stringLiteral(token.text);
  return text === undefined ? undefined : { kind: 'default', value: text, span };
}

function stringLiteral(word: string): string | undefined {
  if (word.length >= 2 && word.startsWith('`') && word.endsWith('`')) return word.slice(1, -1);
  if (word.length >= 2 && word.startsWith('"') && word.endsWith('"') && !word.slice(1, -1).includes('\\')) return word.slice(1, -1);
  return undefined;
}
