// The only part of Node's util that sharedb's client uses (see vite.config.ts).
import inherits from 'inherits';
export { inherits };
export default { inherits };
