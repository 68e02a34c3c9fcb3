// simple-peer's prebuilt browser bundle carries the Node shims (buffer, events, streams) the
// plain entry expects from a bundler; its types are those of the package (docs/decisions/0900).
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
