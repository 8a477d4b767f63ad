import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// End-to-end tests drive real PTYs and servers; two cores here, so keep parallelism modest.
		maxWorkers: 2,
		pool: 'forks',
		reporters: ['default', './test/summary-reporter.ts'],
	},
});
