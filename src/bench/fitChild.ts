// The cold half of case `fit`: a fresh process that runs one fit and prints its measurements as JSON.
import { measureFit } from './fit.js';

const [rows, features, shuffle] = process.argv.slice(2);
console.log(JSON.stringify(await measureFit(Number(rows), Number(features), shuffle === 'true')));
