import {useInput} from 'ink';
import type {FilesModel, FilesSnapshot} from './files-model.js';

/**
 * The file view's own keys (it is a view, not a session: the input router hands them to Ink). In the list:
 * arrows/j/k move, Enter opens a directory or downloads a file, Backspace/h up, u upload, s download (save),
 * m make directory, r rename, d delete (asks), x cancel a transfer, Tab the transfers list, Esc/q back.
 * The picker and the prompts take typed text.
 */
export function useFilesInput(model: FilesModel, snapshot: FilesSnapshot, isActive: boolean): void {
	useInput(
		(input, key) => {
			const mode = snapshot.mode;
			// Terminals send 0x7f for Backspace; Ink names it `delete`.
			const erase = key.backspace || key.delete;
			if (mode.kind === 'picker') {
				if (key.escape) return model.cancelMode();
				if (key.return) return model.pickerChoose();
				if (key.upArrow || (key.ctrl && input === 'p')) return model.pickerMove(-1);
				if (key.downArrow || (key.ctrl && input === 'n')) return model.pickerMove(1);
				if (erase) return model.pickerErase();
				if (input && !key.ctrl && !key.meta) model.pickerType(input);
				return;
			}
			if (mode.kind === 'prompt') {
				if (key.escape) return model.cancelMode();
				if (key.return) return void model.promptSubmit();
				if (erase) return model.promptErase();
				if (input && !key.ctrl && !key.meta) model.promptType(input);
				return;
			}
			if (key.escape || input === 'q') return model.close();
			if (key.upArrow || input === 'k') return model.move(-1);
			if (key.downArrow || input === 'j') return model.move(1);
			if (key.pageUp) return model.move(-10);
			if (key.pageDown) return model.move(10);
			if (key.tab) return model.toggleFocus();
			if (key.return || key.rightArrow || input === 'l') return snapshot.focus === 'entries' ? model.enter() : undefined;
			if (erase || key.leftArrow || input === 'h') return model.up();
			if (input === 'u') return model.startUpload();
			if (input === 's') return model.startDownload();
			if (input === 'm') return model.startMkdir();
			if (input === 'r') return model.startRename();
			if (input === 'd') return model.remove();
			if (input === 'x') return model.cancelTransfer();
			if (input === 'g') return model.reload();
		},
		{isActive},
	);
}
