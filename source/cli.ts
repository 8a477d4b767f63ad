#!/usr/bin/env node
// React's development build leaks memory per frame and is slow; it must never load in the app.
// This has to happen before anything imports React, hence the dynamic import below.
process.env.NODE_ENV = 'production';
await import('./main.js');
