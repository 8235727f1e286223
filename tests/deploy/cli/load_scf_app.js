// Loads a rendered build/tencent app the way the Tencent serverless CLI does, then turns every instance into
// the SCF API requests the scf component's toolkit would send. Prints one JSON document; no network.
//
// Loading: @serverless/components src/cli/utils.js (runningTemplate, checkTemplateAppAndStage,
// loadInstanceConfig, resolveVariables for ${env:NAME}, getAllComponents/setDependencies/createGraph for
// the ${output:...} order); serverless-cloud-framework is a fork of this CLI code.
// Requests: tencent-component-toolkit lib/modules/scf/utils.js formatInputs (CreateFunction) and
// lib/modules/triggers/<type>.js formatInputs (CreateTrigger), the code the scf component deploys with.
'use strict';

const path = require('path');
const utils = require('@serverless/components/src/cli/utils');
const { formatInputs } = require('tencent-component-toolkit/lib/modules/scf/utils');
const TRIGGERS = require('tencent-component-toolkit/lib/modules/triggers').default;
const { ConcurrencyEntity } = require('tencent-component-toolkit/lib/modules/scf/entities/concurrency');

const root = path.resolve(process.argv[2]);
const result = { root, template: utils.runningTemplate(root), sameAppAndStage: utils.checkTemplateAppAndStage(root),
  instances: {}, order: [] };

const template = {};
for (const entry of require('fs').readdirSync(root, { withFileTypes: true })) {
  if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
  const config = utils.loadInstanceConfig(path.join(root, entry.name));
  if (config) template[entry.name] = config;
}

const components = utils.setDependencies(utils.getAllComponents(template));
const graph = utils.createGraph(components, 'deploy');
// executeGraph deploys the sinks first: the layer, which every function names through ${output:...}
result.order = require('graphlib').alg.topsort(graph).reverse();

for (const [name, component] of Object.entries(components)) {
  const instance = template[name];
  const inputs = utils.resolveVariables(component.inputs);
  const entry = { component: instance.component, app: instance.app, stage: instance.stage,
    dependencies: component.dependencies, inputs };
  if (instance.component === 'scf') {
    entry.createFunction = formatInputs(inputs);
    entry.createTriggers = (inputs.events || []).map((event) => {
      const [type] = Object.keys(event);
      const Trigger = TRIGGERS[type];
      if (!Trigger) return { type, error: `the toolkit knows no ${type} trigger` };
      const trigger = new Trigger({ credentials: {}, region: inputs.region });
      const { triggerInputs } = trigger.formatInputs({ region: inputs.region,
        inputs: Object.assign({ namespace: inputs.namespace, functionName: inputs.name, type }, event[type]) });
      return triggerInputs;
    });
  }
  result.instances[name] = entry;
}
// reserved-concurrency.json (what `make deploy` sends with tccli): the request the toolkit's own
// ConcurrencyEntity.setReserved builds for each entry, captured instead of sent.
const reservedFile = path.join(root, 'reserved-concurrency.json');
result.reserved = [];
(async () => {
  if (require('fs').existsSync(reservedFile)) {
    for (const entry of JSON.parse(require('fs').readFileSync(reservedFile, 'utf8'))) {
      const entity = new ConcurrencyEntity(null);
      entity.request = async (request) => { result.reserved.push(request); return {}; };
      const log = console.log;
      console.log = () => {};
      await entity.setReserved({ functionName: entry.FunctionName, reservedMem: entry.ReservedConcurrencyMem,
        namespace: entry.Namespace });
      console.log = log;
    }
  }
  process.stdout.write(JSON.stringify(result, (key, value) => (value === undefined ? '<undefined>' : value)));
})();
