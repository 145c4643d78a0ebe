// A Web Worker script that throws outside any handler on the first message, as a crashed worker would.
self.onmessage = () => {
  setTimeout(() => {
    throw new Error('simulated crash');
  });
};
