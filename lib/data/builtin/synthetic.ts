import type { Dataset } from "../dataset-format";
import { seededRandom } from "../random";

/** Standard normal samples from a seeded uniform source (Box–Muller). */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Two interleaving half circles (scikit-learn's make_moons): the classic non-linear binary problem. */
export function twoMoons(count = 2000, noise = 0.1, seed = 7): Dataset {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const features = new Float32Array(count * 2);
  const targets = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const t = Math.PI * random();
    const x = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const y = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    features[2 * i] = x + noise * normal();
    features[2 * i + 1] = y + noise * normal();
    targets[i] = label;
  }
  return {
    spec: {
      name: "two-moons",
      description: "Two interleaving half moons with noise: 2 features, 2 classes (binary classification)",
      task: "classification",
      count,
      features: { shape: [2], dtype: "float32", scale: 1 },
      targets: { shape: [], dtype: "uint8", classes: 2, classNames: ["upper", "lower"] },
    },
    features,
    targets,
  };
}

/** Friedman #1 regression: y = 10 sin(π x1 x2) + 20 (x3 − ½)² + 10 x4 + 5 x5 + noise; x6–x10 are distractors. */
export function friedman1(count = 2000, seed = 11): Dataset {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const features = new Float32Array(count * 10);
  const targets = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x = Array.from({ length: 10 }, () => random());
    features.set(x, i * 10);
    const [x1, x2, x3, x4, x5] = x as [number, number, number, number, number];
    targets[i] = 10 * Math.sin(Math.PI * x1 * x2) + 20 * (x3 - 0.5) ** 2 + 10 * x4 + 5 * x5 + normal();
  }
  return {
    spec: {
      name: "friedman1",
      description: "Friedman #1 regression benchmark: 10 features (5 informative), one continuous target",
      task: "regression",
      count,
      features: { shape: [10], dtype: "float32", scale: 1 },
      targets: { shape: [], dtype: "float32" },
    },
    features,
    targets,
  };
}

export const SEQUENCE_LENGTH = 24;
export const VOCABULARY = 32;
const TOPICS = 4;

/**
 * Token sequences labelled by topic: each of 4 keyword tokens (1–4) marks a topic, and a sequence
 * belongs to the keyword it repeats most among filler tokens (5–31). Order-free but spread along
 * the sequence, so embeddings with recurrent, convolutional or attention layers all learn it.
 */
export function tokenTopics(count = 4000, seed = 13): Dataset {
  const random = seededRandom(seed);
  const features = new Int32Array(count * SEQUENCE_LENGTH);
  const targets = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const topic = i % TOPICS;
    const tokens = Array.from({ length: SEQUENCE_LENGTH }, () => 5 + Math.floor(random() * (VOCABULARY - 5)));
    const mentions = 3 + Math.floor(random() * 3);
    for (let m = 0; m < mentions; m++) tokens[Math.floor(random() * SEQUENCE_LENGTH)] = 1 + topic;
    // One stray mention of another topic, so that a single keyword is not enough.
    tokens[Math.floor(random() * SEQUENCE_LENGTH)] = 1 + ((topic + 1 + Math.floor(random() * (TOPICS - 1))) % TOPICS);
    const counts = [0, 0, 0, 0];
    for (const t of tokens) if (t >= 1 && t <= TOPICS) counts[t - 1] = (counts[t - 1] as number) + 1;
    features.set(tokens, i * SEQUENCE_LENGTH);
    targets[i] = counts.indexOf(Math.max(...counts));
  }
  return {
    spec: {
      name: "token-topics",
      description: `Sequences of ${SEQUENCE_LENGTH} token ids (vocabulary ${VOCABULARY}) labelled with one of ${TOPICS} topics: a text-classification task`,
      task: "classification",
      count,
      features: { shape: [SEQUENCE_LENGTH], dtype: "int32", scale: 1 },
      targets: { shape: [], dtype: "uint8", classes: TOPICS, classNames: ["topic 1", "topic 2", "topic 3", "topic 4"] },
    },
    features,
    targets,
  };
}

const SUBJECTS = ["the cat", "a dog", "the old fox", "my friend", "the robot", "a small bird", "the teacher", "our neighbour"];
const VERBS = ["sees", "finds", "likes", "follows", "paints", "builds", "carries", "watches"];
const OBJECTS = ["a red ball", "the moon", "a paper boat", "the garden", "a warm cake", "the river", "a blue kite", "the old map"];
const PLACES = ["in the park", "at home", "by the sea", "under the tree", "on the hill", "after school", "in the rain", "at night"];
export const STORY_CONTEXT = 16;

/**
 * Short sentences from a small seeded grammar ("the cat sees a red ball in the park."), cut into
 * windows of 16 characters labelled with the character that follows: a character-level language
 * model learns the words and their order, and can then complete text.
 */
export function tinyStories(sentences = 300, seed = 17): Dataset {
  const random = seededRandom(seed);
  const pick = (words: string[]) => words[Math.floor(random() * words.length)] as string;
  let corpus = "";
  for (let i = 0; i < sentences; i++) corpus += `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(PLACES)}. `;
  const vocabulary = [...new Set(corpus)].sort();
  const id = new Map(vocabulary.map((c, i) => [c, i]));
  const count = corpus.length - STORY_CONTEXT;
  const features = new Int32Array(count * STORY_CONTEXT);
  const targets = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < STORY_CONTEXT; j++) features[i * STORY_CONTEXT + j] = id.get(corpus[i + j] as string) as number;
    targets[i] = id.get(corpus[i + STORY_CONTEXT] as string) as number;
  }
  return {
    spec: {
      name: "tiny-stories",
      description: `${count} windows of ${STORY_CONTEXT} characters from simple sentences, each labelled with the next character (${vocabulary.length} characters): a character-level language model`,
      task: "classification",
      count,
      features: { shape: [STORY_CONTEXT], dtype: "int32", scale: 1 },
      text: { contextLength: STORY_CONTEXT },
      targets: { shape: [], dtype: "uint8", classes: vocabulary.length, classNames: vocabulary },
    },
    features,
    targets,
  };
}
