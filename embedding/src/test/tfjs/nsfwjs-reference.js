// Reference outputs of the original nsfwjs@4.4.0 MobileNetV2 (TF.js, pure-JS CPU backend) for the
// PNG test images, used by MobileNetV2ConversionTest to check the converted ONNX model.
// Run (outside Maven; needs the npm registry once):
//   mkdir /tmp/tfref && cd /tmp/tfref && npm init -y
//   npm install nsfwjs@4.4.0 @tensorflow/tfjs@4.22.0 pngjs@7.0.0
//   NODE_PATH=/tmp/tfref/node_modules node nsfwjs-reference.js <images dir> <output .txt>
// Output: one line per image: file name, the 5 class probabilities, then the 1280 flatten_1 features.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const nsfwjs = require('nsfwjs');
const { PNG } = require('pngjs');

(async () => {
  await tf.setBackend('cpu');
  const model = await nsfwjs.load('MobileNetV2');
  const dir = process.argv[2];
  const lines = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort()) {
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, name)));
    const rgb = new Int32Array(png.width * png.height * 3);
    for (let i = 0; i < png.width * png.height; i++) {
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = png.data[i * 4 + c];
    }
    const img = tf.tensor3d(rgb, [png.height, png.width, 3], 'int32');
    const probabilities = await model.infer(img).data();
    const features = await model.infer(img, 'flatten_1').data();
    lines.push([name, ...probabilities, ...features].join(' '));
  }
  fs.writeFileSync(process.argv[3], lines.join('\n') + '\n');
})();
