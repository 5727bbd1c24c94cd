/**
 * Every line `npm start` prints carries a fixed-width source tag, `[cart   ] ...`, coloured per
 * source when stdout is a terminal (and NO_COLOR is unset).
 */
import type { Readable, Writable } from 'node:stream';
import readline from 'node:readline';

const WIDTH = 7;
const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

const COLOURS: Record<string, number> = {
  start: 1, // bold
  db: 90, // grey
  cart: 36,
  product: 35,
  pricing: 33,
  order: 32,
  gateway: 34,
  storefront: 95,
};

const paint = (code: number, text: string): string => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);

/** `[name   ] ` with the source's colour. */
export const tag = (name: string): string => paint(COLOURS[name] ?? 37, `[${name.slice(0, WIDTH).padEnd(WIDTH)}]`) + ' ';

/** Emphasis for the orchestrator's own important lines. */
export const bold = (text: string): string => paint(1, text);
export const warn = (text: string): string => paint(33, text);
export const fail = (text: string): string => paint(31, text);

/** A function that prints one tagged line to stdout (or stderr). */
export function printer(name: string, stream: Writable = process.stdout): (line: string) => void {
  const prefix = tag(name);
  return (text) => {
    for (const line of text.split('\n')) stream.write(`${prefix}${line}\n`);
  };
}

/** Copies a child's output line by line, each line tagged. */
export function pipeLines(name: string, from: Readable, to: Writable): void {
  const print = printer(name, to);
  readline.createInterface({ input: from, crlfDelay: Infinity }).on('line', print);
}
