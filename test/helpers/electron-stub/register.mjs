/* global URL */
// `node --import ./test/helpers/electron-stub/register.mjs out/main/index.js`: the built main
// process with `electron` resolved to stand-in.mjs (no Electron runtime can be had here).
import { register } from 'node:module';

register(new URL('./loader.mjs', import.meta.url));
