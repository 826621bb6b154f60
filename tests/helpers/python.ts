import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * The Python with PyTorch that checks generated code: Debian's python3-torch installs for
 * /usr/bin/python3 (which may not be the python3 first on PATH). Override with CYXWIZ_PYTHON.
 */
export function pythonWithTorch(): string {
  const python = process.env.CYXWIZ_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  try {
    execFileSync(python, ["-c", "import torch"], { stdio: "pipe" });
  } catch {
    throw new Error(`${python} cannot import torch: install PyTorch (apt-get install python3-torch) or point CYXWIZ_PYTHON at a Python that has it`);
  }
  return python;
}
