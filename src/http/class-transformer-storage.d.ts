// class-transformer ships the declarations of its metadata storage apart from the module that exports it.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
