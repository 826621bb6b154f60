import { seededRandom } from "../data/random";

/**
 * Character-level text for language models trained on a `text` dataset: the vocabulary is the
 * dataset's class names (one character each), ids are positions in it.
 */
export interface Vocabulary {
  characters: string[];
  contextLength: number;
}

/** Character ids of the text; characters the model never saw are dropped (a model cannot read them). */
export function encodeText(text: string, vocabulary: Vocabulary): number[] {
  const ids: number[] = [];
  for (const char of text.toLowerCase()) {
    const id = vocabulary.characters.indexOf(char);
    if (id >= 0) ids.push(id);
  }
  return ids;
}

/** The last contextLength ids, left-padded with spaces (or the first character) when shorter. */
export function contextWindow(ids: number[], vocabulary: Vocabulary): number[] {
  const pad = Math.max(0, vocabulary.characters.indexOf(" "));
  const tail = ids.slice(-vocabulary.contextLength);
  return [...Array.from({ length: vocabulary.contextLength - tail.length }, () => pad), ...tail];
}

/**
 * Picks the next id from the model's probabilities: the most likely at temperature 0, else a
 * draw from the distribution sharpened (or flattened) by the temperature.
 */
export function sampleNext(probabilities: ArrayLike<number>, temperature: number, random: () => number): number {
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < probabilities.length; i++) if ((probabilities[i] as number) > (probabilities[best] as number)) best = i;
    return best;
  }
  const weights = Array.from(probabilities, (p) => Math.exp(Math.log(Math.max(p, 1e-12)) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number;
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

export interface GenerationOptions {
  maxTokens: number;
  temperature: number;
  seed: number;
  /** Generation ends after a stop string is produced (which is not emitted). */
  stop: string[];
}

/**
 * Generates text one character at a time: `next(context)` gives the model's probabilities for the
 * following character. Text is handed to onText as it comes (streaming), holding back only what
 * might be the start of a stop string.
 */
export async function generateText(
  prompt: string,
  vocabulary: Vocabulary,
  next: (context: number[]) => Promise<ArrayLike<number>>,
  options: GenerationOptions,
  onText: (text: string) => void,
): Promise<{ text: string; promptTokens: number; finishReason: "length" | "stop" }> {
  const ids = encodeText(prompt, vocabulary);
  const promptTokens = ids.length;
  const stops = options.stop.filter(Boolean);
  const random = seededRandom(options.seed);
  let text = "";
  let emitted = 0;
  for (let produced = 0; produced < options.maxTokens; produced++) {
    const id = sampleNext(await next(contextWindow(ids, vocabulary)), options.temperature, random);
    ids.push(id);
    text += vocabulary.characters[id] as string;
    const stop = stops.find((s) => text.endsWith(s));
    if (stop) {
      text = text.slice(0, -stop.length);
      if (text.length > emitted) onText(text.slice(emitted));
      return { text, promptTokens, finishReason: "stop" };
    }
    const safe = text.length - heldBack(text, stops);
    if (safe > emitted) {
      onText(text.slice(emitted, safe));
      emitted = safe;
    }
  }
  if (text.length > emitted) onText(text.slice(emitted));
  return { text, promptTokens, finishReason: "length" };
}

/** How many trailing characters could still grow into a stop string. */
function heldBack(text: string, stops: string[]): number {
  let held = 0;
  for (const stop of stops) {
    for (let k = Math.min(stop.length - 1, text.length); k > held; k--) {
      if (stop.startsWith(text.slice(-k))) {
        held = k;
        break;
      }
    }
  }
  return held;
}
