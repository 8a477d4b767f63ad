/** Saved connection profiles: schema, Bastion SKU rules, store, import/export. */
export * from './schema.js';
export * from './sku.js';
export {ProfileStore, ProfileStoreError, type ProfileStoreOptions, type SaveOptions} from './store.js';
export {parseImport, exportProfiles, type ImportParse} from './import-export.js';
export {mergeProfiles, type MergeResult} from './merge.js';
export {validateProfilesText, validateProfilesData, type DocumentValidation} from './validate.js';
export {checkPrivateKeyFile, expandHome, resolveKeyPath, type KeyFileCheck} from './key-file.js';
export {MIGRATIONS, migrate, fileVersion, type Migration} from './migrations.js';
