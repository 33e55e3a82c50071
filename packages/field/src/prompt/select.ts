import { emitKeypressEvents } from 'node:readline';
import type { Style } from '../render/style.js';
import { promptCancelled } from './prompt-cancelled.js';

export interface Choice<T extends string> {
  readonly value: T;
  readonly hint: string;
}

interface Key {
  readonly name?: string;
  readonly ctrl?: boolean;
  readonly sequence?: string;
}

export interface SelectIo {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WritableStream;
  readonly style: Style;
}

/**
 * A choice made with the arrow keys (or j/k, or the option's number) and Enter; Enter alone takes
 * the default. Drawn on the output stream, replaced by one summary line when answered.
 */
export function select<T extends string>(question: string, choices: readonly Choice<T>[], defaultValue: T, io: SelectIo): Promise<T> {
  const { input, output, style } = io;
  let index = Math.max(
    0,
    choices.findIndex((c) => c.value === defaultValue),
  );
  const width = Math.max(...choices.map((c) => c.value.length));
  let drawn = 0;

  const draw = () => {
    const lines = [
      `${style.bold('?')} ${question} ${style.dim('(↑/↓, Enter)')}`,
      ...choices.map((c, i) =>
        i === index ? style.cyan(`❯ ${c.value.padEnd(width)}  ${c.hint}`) : `  ${c.value.padEnd(width)}  ${style.dim(c.hint)}`,
      ),
    ];
    output.write(`${drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };

  return new Promise<T>((resolve, reject) => {
    emitKeypressEvents(input);
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    output.write('\x1b[?25l');
    draw();

    const finish = (outcome: { value: T } | { cancelled: true }) => {
      input.off('keypress', onKey);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write(`\x1b[${drawn}A\r\x1b[J\x1b[?25h`);
      if ('value' in outcome) {
        output.write(`${style.green('✔')} ${question} ${style.bold(outcome.value)}\n`);
        resolve(outcome.value);
      } else {
        output.write(`${style.red('✖')} ${question}\n`);
        reject(promptCancelled());
      }
    };

    function onKey(_text: string | undefined, key: Key | undefined) {
      if (!key) return;
      if (key.ctrl && (key.name === 'c' || key.name === 'd')) return finish({ cancelled: true });
      if (key.name === 'return' || key.name === 'enter') return finish({ value: (choices[index] as Choice<T>).value });
      if (key.name === 'up' || key.name === 'k') index = (index - 1 + choices.length) % choices.length;
      else if (key.name === 'down' || key.name === 'j' || key.name === 'tab') index = (index + 1) % choices.length;
      else if (key.sequence && /^[1-9]$/.test(key.sequence) && Number(key.sequence) <= choices.length) index = Number(key.sequence) - 1;
      else return;
      draw();
    }
    input.on('keypress', onKey);
  });
}
