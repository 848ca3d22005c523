/**
 * The upload form, enhanced: preview, drag-and-drop, a progress bar, and the browser's own guess shown while
 * the photo uploads, then the server's answer (the one that is stored). Without this script the form posts
 * as plain HTML and everything still works.
 */
import { friendlyError } from '../src/app/views/friendly-errors.js';
import { EdgeClient, type EdgeGuess } from './edge-client.js';

interface ServerAnswer {
  readonly id: string;
  readonly category: string;
  readonly confidence: number;
  readonly url: string;
}

/** Below this the server's answer reads as a question, as on the photo page. */
const lowConfidence = 0.5;

const form = document.querySelector<HTMLFormElement>('form.upload');
if (form) enhance(form);

function enhance(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>('input[type="file"]');
  const drop = form.querySelector<HTMLElement>('.file-drop');
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!input || !drop || !button) return;
  // No manifest advertised: the server classifies alone, and the page does not even ask.
  const manifest = form.dataset.edgeManifest;
  const edge = manifest ? new EdgeClient('/static/app/web/edge-worker.js', manifest) : undefined;
  const ui = buildStatus(form, button);
  let guess: Promise<EdgeGuess | undefined> = Promise.resolve(undefined);

  // The model is fetched once the visitor shows intent, not on every visit to the home page.
  const warm = () => void edge?.load();
  for (const type of ['pointerdown', 'focusin', 'dragenter'] as const)
    form.addEventListener(type, warm, { once: true });

  const choose = (file: File | undefined) => {
    ui.reset();
    if (!file) return;
    ui.preview(file);
    const started = performance.now();
    guess = edge ? edge.classify(file) : Promise.resolve(undefined);
    void guess.then((g) => g && ui.showGuess(g, performance.now() - started));
  };
  input.addEventListener('change', () => choose(input.files?.[0]));

  drop.classList.add('droppable');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    const list = new DataTransfer();
    list.items.add(file);
    input.files = list.files;
    choose(file);
  });

  form.addEventListener('submit', (event) => {
    const file = input.files?.[0];
    if (!file || typeof XMLHttpRequest === 'undefined') return;
    event.preventDefault();
    button.disabled = true;
    ui.uploading();
    send(form, (fraction) => ui.progress(fraction))
      .then(async (answer) => {
        ui.showAnswer(answer, await settled(guess, 0));
        const g = await guess;
        if (g) void report(form, answer.id, g);
      })
      // The form keeps the photo and the caption, so trying again is one click.
      .catch((error: UploadFailure) => ui.showError(error.message))
      .finally(() => {
        button.disabled = false;
      });
  });
}

class UploadFailure extends Error {}

/** POSTs the form with XMLHttpRequest, the one browser API that reports upload progress. */
function send(form: HTMLFormElement, onProgress: (fraction: number) => void): Promise<ServerAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.setRequestHeader('accept', 'application/json');
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as (ServerAnswer & { error?: string; code?: string }) | null;
      if (request.status === 201 && body) resolve(body);
      else
        reject(
          new UploadFailure(
            friendlyError(
              body?.code,
              request.status,
              body?.error ?? 'The upload did not work. Please try again.',
            ),
          ),
        );
    };
    request.onerror = () => reject(new UploadFailure(friendlyError(undefined, 0, '')));
    request.send(new FormData(form));
  });
}

/** The guess if it is already there (or arrives within `waitMs`), else undefined. */
function settled<T>(promise: Promise<T | undefined>, waitMs: number): Promise<T | undefined> {
  return Promise.race([
    promise,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), waitMs)),
  ]);
}

/** Tells the server what the browser guessed, for monitoring; the server never stores it as the category. */
async function report(form: HTMLFormElement, id: string, guess: EdgeGuess): Promise<void> {
  const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
  const best = guess.top[0];
  if (!best) return;
  await fetch(`/photos/${id}/edge-guess`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({
      category: best.category,
      confidence: best.confidence,
      elapsed_ms: Math.round(guess.elapsedMs),
      model: guess.model,
      version: guess.version,
    }),
  }).catch(() => undefined);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The preview, progress bar and messages, created once and updated in place. */
function buildStatus(form: HTMLFormElement, button: HTMLButtonElement) {
  const { preview, bar, guessLine, answerLine, errorLine } = createStatusElements(form, button);
  let shownGuess: EdgeGuess | undefined;

  return {
    reset() {
      shownGuess = undefined;
      for (const line of [guessLine, answerLine, errorLine]) line.replaceChildren();
      bar.hidden = true;
    },
    preview(file: File) {
      if (preview.src) URL.revokeObjectURL(preview.src);
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    },
    uploading() {
      errorLine.replaceChildren();
      answerLine.replaceChildren();
      bar.hidden = false;
      bar.value = 0;
    },
    progress(fraction: number) {
      bar.value = fraction;
    },
    showGuess(guess: EdgeGuess, waitedMs: number) {
      if (!guess.top[0]) return;
      shownGuess = guess;
      guessLine.replaceChildren(...guessMessage(guess, waitedMs));
    },
    showAnswer(answer: ServerAnswer, guess: EdgeGuess | undefined) {
      bar.value = 1;
      answerLine.replaceChildren(...answerMessage(answer, (guess ?? shownGuess)?.top[0]?.category));
    },
    showError(message: string) {
      bar.hidden = true;
      errorLine.textContent = message;
    },
  };
}

/** The status elements, placed in the form: the preview under the drop zone, the rest under the button. */
function createStatusElements(form: HTMLFormElement, button: HTMLButtonElement) {
  const preview = element('img', 'upload-preview');
  preview.alt = 'The photo you chose';
  preview.hidden = true;
  form.querySelector('.file-drop')?.after(preview);

  const panel = element('div', 'upload-status');
  const bar = element('progress', 'upload-progress');
  bar.max = 1;
  bar.value = 0;
  bar.setAttribute('aria-label', 'Upload progress');
  bar.hidden = true;
  const guessLine = element('p', 'edge-guess');
  const answerLine = element('p', 'server-answer');
  const errorLine = element('p', 'upload-error');
  // Screen readers hear the guess and the answer as they arrive, and an error at once.
  panel.setAttribute('role', 'status');
  errorLine.setAttribute('role', 'alert');
  panel.append(bar, guessLine, answerLine);
  button.after(panel, errorLine);
  return { preview, bar, guessLine, answerLine, errorLine };
}

/** "Your browser thinks: <class> (n%), in t ms", t the shorter of the guess's own time and the wait for it. */
function guessMessage(guess: EdgeGuess, waitedMs: number): (string | Node)[] {
  const best = guess.top[0];
  if (!best) return [];
  const strong = element('strong', 'edge-category');
  strong.textContent = best.category;
  return [
    'Your browser thinks: ',
    strong,
    ` (${percent(best.confidence)}), in ${Math.round(Math.min(guess.elapsedMs, waitedMs))} ms`,
  ];
}

/** The server's answer with a link to the photo, and a note when the browser's guess differed. */
function answerMessage(answer: ServerAnswer, edgeCategory: string | undefined): (string | Node)[] {
  const link = element('a', 'server-category');
  link.href = answer.url;
  link.textContent = answer.category;
  const unsure = answer.confidence < lowConfidence;
  const parts: (string | Node)[] = [
    unsure ? 'GourmetGram is not sure: maybe ' : 'GourmetGram says: ',
    link,
    ` (${percent(answer.confidence)}).`,
  ];
  if (edgeCategory && edgeCategory !== answer.category) {
    const note = element('span', 'differs');
    note.textContent = ` Your browser guessed ${edgeCategory}; the server's answer is the one we keep.`;
    parts.push(note);
  }
  const open = element('a', 'button open-photo');
  open.href = answer.url;
  open.textContent = 'See your photo';
  parts.push(' ', open);
  return parts;
}
