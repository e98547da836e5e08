// esbuild options that every bundle of the core shares (the extension's, the benchmark's).
//
// The yaml package's ES module build: bundled, its functions are called directly, where the
// CommonJS build goes through an export getter on every call (the model calls isMap and isScalar
// for every node), and its parser does not read process.env for each token as the Node build
// does. The two builds come from one source and parse alike.
export const yamlAlias = { yaml: './node_modules/yaml/browser/index.js' };
