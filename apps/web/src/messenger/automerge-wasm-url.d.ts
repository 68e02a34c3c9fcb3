// Vite's `?url` suffix on a package subpath: TypeScript resolves the package and stops there
// instead of using vite/client's `*?url` wildcard, so the one import is declared here.
declare module '@automerge/automerge/automerge.wasm?url' {
  const url: string;
  export default url;
}
