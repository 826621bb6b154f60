const PYTHON_RESERVED = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield input id type list dict set sum min max map filter len format object str int float range print self model layers keras ops torch nn F math tf".split(
    " ",
  ),
);
const JS_RESERVED = new Set(
  "break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static await enum implements interface package private protected public arguments eval tf model undefined".split(
    " ",
  ),
);

/** Gives every node an identifier that is valid, unique and no keyword in the target language. */
export class Namer {
  private readonly used = new Set<string>();
  private readonly reserved: Set<string>;

  constructor(language: "python" | "javascript") {
    this.reserved = language === "python" ? PYTHON_RESERVED : JS_RESERVED;
  }

  name(id: string): string {
    let base = id.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "n_$1") || "node";
    if (this.reserved.has(base)) base = `${base}_`;
    let candidate = base;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${base}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}
