// Serves the GeoJSON files of a folder as ArcGIS FeatureServers with Koop:
//   node koop-serve.js DATA_DIR
// http://127.0.0.1:PORT/file-geojson/rest/services/<file name>/FeatureServer/0
// Prints "listening PORT" once it accepts connections (PORT chosen by the system).
'use strict';
const path = require('path');
const Koop = require('@koopjs/koop-core');
const provider = require('@koopjs/provider-file-geojson');

const koop = new Koop({ logLevel: 'error' });
// The provider resolves its folder against the working directory.
koop.register(provider, { dataDir: path.relative(process.cwd(), path.resolve(process.argv[2])) || '.' });
const server = koop.server.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
