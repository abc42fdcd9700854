/**
 * The LSTM autoencoder (../lstmAutoencoder) as a window detector (opt-in: TensorFlow.js): it
 * reconstructs sequences of 30 windows of robust z-scores of every window feature; the
 * reconstruction error is the score and the features with the largest error explain it.
 */
import { explainLstm, fitLstm, lstmFromArtifact, lstmToArtifact, scoreLstm, type LstmModel } from '../lstmAutoencoder';
import { fitRobustBaseline, robustBaseline, robustZMatrix, type RobustBaselineModel } from '../robustBaseline';
import { loadTensorflow } from '../../tensorflow';
import { scalerParams } from './featureKinds';
import { inFeatureUnits } from './forestWindows';
import { selectColumns } from './matrixColumns';
import type { WindowDetector } from './types';

export interface LstmWindowsModel {
  scaler: RobustBaselineModel;
  lstm: LstmModel;
}

export const lstmWindows: WindowDetector<LstmWindowsModel> = {
  name: 'lstm_autoencoder',
  floor: 0.1,
  persistent: true,
  columns: (all) => all,
  async fit(input, context) {
    const scaler = fitRobustBaseline(input.matrix, scalerParams(input.matrix.columns), context.shared);
    const { tf, backend } = await loadTensorflow();
    context.progress(`lstm_autoencoder: tensorflow backend ${backend}`);
    return { scaler, lstm: await fitLstm(tf, robustZMatrix(scaler, input.matrix), { seed: context.seed }, context.progress) };
  },
  async score(model, input) {
    const x = selectColumns(input.matrix, model.scaler.columns);
    const z = robustZMatrix(model.scaler, x);
    const { scores, errors } = await scoreLstm((await loadTensorflow()).tf, model.lstm, z);
    return { scores, explain: (row, top) => inFeatureUnits(model.scaler, x, row, explainLstm(model.lstm, z, errors, row, Math.min(top, 3))) };
  },
  toArtifact: async (model) => ({ scaler: robustBaseline.toArtifact(model.scaler), lstm: await lstmToArtifact((await loadTensorflow()).tf, model.lstm) }),
  async fromArtifact(artifact) {
    const a = artifact as { scaler: unknown; lstm: unknown };
    return { scaler: robustBaseline.fromArtifact(a.scaler), lstm: await lstmFromArtifact((await loadTensorflow()).tf, a.lstm) };
  },
};
