// Imported before onnxruntime-node by the benches that load it themselves: ONNX Runtime's telemetry
// stays off in them, as in edgecam (src/inference/ort-telemetry.ts).
import { disableOrtTelemetry } from '../src/inference/ort-telemetry.js';

disableOrtTelemetry();
