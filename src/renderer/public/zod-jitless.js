// Zod compiles fast parsers with `new Function` when its probe says eval works. Our CSP forbids
// eval, so the probe is refused — and Chromium reports each refusal as a CSP violation, noise
// that would hide a real one. Zod reads this global config when its first schema is built, which
// happens while the app's modules load; a classic script runs before any module, so this is the
// one place early enough (z.config() in main.tsx runs after the chunks it imports).
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
