// steepest/plot: training pictures as SVG strings (its own entry point; `import 'steepest'` does not load it).
export { plotHistory, type HistoryLike, type PlotHistoryOptions } from './plotHistory.js';
export { plotPath, bowl, type Bowl, type ParameterPoint, type PlotPathOptions } from './plotPath.js';
export { plotCurves, type Curve, type PlotCurvesOptions } from './plotCurves.js';
