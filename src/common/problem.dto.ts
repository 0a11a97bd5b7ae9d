import { ApiProperty } from '@nestjs/swagger';
import { FieldProblem } from './problem';

export class FieldProblemDto implements FieldProblem {
  /** The request field, dotted for nested fields. */
  field: string;
  message: string;
}

/** RFC 9457 problem details, served as application/problem+json. */
export class ProblemDto {
  /** Always `about:blank`: the status code says what went wrong. */
  type: string;
  /** The HTTP reason phrase. */
  title: string;
  @ApiProperty({ type: 'integer' })
  status: number;
  /** A sentence for the developer; never a stack trace or a library message. */
  detail?: string;
  /** On 400, every field that failed validation. */
  errors?: FieldProblemDto[];
}
