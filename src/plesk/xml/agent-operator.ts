import { Principal } from '../../auth/principal';
import { FieldNames } from './agent-errors';
import { OperationCall } from './operation-results';
import { AnswerNode } from './packet';

export type OperationHandler = (auth: Principal, call: OperationCall) => Promise<AnswerNode[]>;

/** One operator of the XML API (`customer`, `webspace`...): its operations, each answering `<result>`s. */
export interface AgentOperator {
  readonly name: string;
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** The operations that change nothing: all a read-only API key may run. */
  readonly reads: readonly string[];
  /** How its validation messages name clientele's fields. */
  readonly fields: FieldNames;
}
