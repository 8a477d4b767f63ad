export {TerminalEmulator, type MouseTrackingMode, type TerminalEmulatorOptions, type TerminalModes} from './emulator.js';
export type {ScreenSnapshot, SnapshotOptions} from './snapshot.js';
export {
	FlowControl,
	DEFAULT_HIGH_WATER_MARK,
	DEFAULT_LOW_WATER_MARK,
	DEFAULT_SINK_LIMIT,
	type Chunk,
	type FlowControlOptions,
} from './flow-control.js';
export {
	InputTranslator,
	PASTE_END,
	PASTE_START,
	partialMarkerLength,
	pasteForRemote,
	translateCursorKeys,
	type InputModes,
} from './input.js';
export {charWidth} from './unicode-width.js';
