// The error for an interpreter the framework refuses (outside the TS subset, or
// code the codewriter cannot handle): one `file:line:col: message` per problem.

export class InterpreterRejected extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('\n'));
  }
}
