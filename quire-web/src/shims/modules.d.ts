declare module 'sharedb/lib/client';
declare module 'rich-text';
declare module 'inherits';
