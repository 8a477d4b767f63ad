import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/**
 * Absolute path of a file under the lab's assets folder. Resolved from this module's own URL so it works
 * both from `source/` (tests run the TypeScript directly) and from `dist/` (the build copies the folder).
 */
export function labAssetPath(relative: string): string {
	return fileURLToPath(new URL(`./assets/${relative}`, import.meta.url));
}

export function readLabAsset(relative: string): Buffer {
	return readFileSync(labAssetPath(relative));
}
