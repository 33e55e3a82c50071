import { createInterface } from 'node:readline';
import { promptCancelled } from './prompt-cancelled.js';

/** Asks one line of free text on the terminal (the question on stderr, so stdout stays clean). */
export function askLine(
  question: string,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => {
      rl.close();
    });
    rl.on('close', () => {
      if (!answered) {
        io.output.write('\n');
        reject(promptCancelled());
      }
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
