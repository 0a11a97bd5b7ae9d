export { FakeClock } from '../../src/common/testing/fake-clock';
