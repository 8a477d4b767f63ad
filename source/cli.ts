#!/usr/bin/env node
import v8 from 'node:v8';

// V8 grows the young generation up to 3 x 16 MiB under allocation bursts (a flood through a pane) and
// keeps it: ~30 MiB of resident memory for good. vmux's garbage is short-lived frames and chunks, so a
// young generation that does not grow costs little time and keeps 10 idle sessions under 200 MiB
// (bench/README.md). Effective at run time: V8 reads the flag each time it considers growing new space.
v8.setFlagsFromString('--semi-space-growth-factor=1');
// React's development build leaks memory per frame and is slow; it must never load in the app.
// This has to happen before anything imports React, hence the dynamic import below.
process.env.NODE_ENV = 'production';
await import('./main.js');
