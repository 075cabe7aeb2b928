import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { RULE_TYPES } from '../fraud-rule-types.js';
import { VERDICT_ACTIONS } from '../verdict-reasons.js';
import { ExternalMetadataDto } from './fingerprint-lookup.dto.js';

export class FingerprintsResponse {
  @ApiProperty({
    description: "The client's network (IPv4 /24, IPv6 /48), keyed-hashed.",
    example: '1f2e3d4c5b6a79880a9b8c7d6e5f4a3b',
  })
  network_fingerprint!: string;

  @ApiProperty({
    description: 'Operating system, CPU, screen, GPU and audio stack.',
    example: 'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d',
  })
  hardware_fingerprint!: string;

  @ApiProperty({
    description: 'The hardware plus the browser and its version, rendering and fonts.',
    example: '0d6e2f1a8b3c4d5e9f0a1b2c3d4e5f60',
  })
  browser_fingerprint!: string;

  @ApiProperty({
    description: "Cookie-less: the browser plus this person's settings.",
    example: '5f8b0c7a2d4e4f6a9b1c3d5e7f9a1b3c',
  })
  visitor_fingerprint!: string;

  @ApiPropertyOptional({
    description: 'From the key the script keeps in localStorage; absent when the browser had no storage.',
    example: 'visitor-6139cbcc-4dda-4b1f-b1c0-13c08ec64d72',
  })
  visitor_id?: string;

  @ApiPropertyOptional({
    description: 'The visitor_id on this network.',
    example: 'browser-f0c9a3e1-6c2d-4b5e-8f1a-2b3c4d5e6f70',
  })
  browser_id?: string;
}

export class VerdictReasonOverrideResponse {
  @ApiProperty({ example: 'VIRTUAL_MACHINE' })
  verdict_reason!: string;

  @ApiProperty({ enum: VERDICT_ACTIONS, example: 'ALLOW' })
  override_action!: string;
}

export class VerdictResponse {
  @ApiProperty({
    enum: VERDICT_ACTIONS,
    description: "The strictest action of the reasons, or the matching rule's.",
    example: 'ALLOW',
  })
  action!: string;

  @ApiProperty({
    type: [String],
    description: 'Warning flags; see docs/device-fingerprinting.md. Empty for a clean device.',
    example: [],
  })
  reasons!: string[];

  @ApiProperty({ description: 'Operating system family and form factor.', example: 'MAC_DESKTOP' })
  detected_device_type!: string;

  @ApiProperty({
    description: 'False when the browser lies about itself (automation or User-Agent deception).',
    example: true,
  })
  is_authentic_device!: boolean;

  @ApiProperty({
    type: [VerdictReasonOverrideResponse],
    description: 'Overrides that applied to this verdict.',
    example: [],
  })
  verdict_reason_overrides!: VerdictReasonOverrideResponse[];

  @ApiPropertyOptional({
    enum: RULE_TYPES,
    description: 'With a `RULE_MATCH` reason: the type of the rule that decided.',
  })
  rule_match_type?: string;

  @ApiPropertyOptional({ description: 'With a `RULE_MATCH` reason: the identifier of the rule that decided.' })
  rule_match_identifier?: string;
}

export class FingerprintLookupResponse extends StytchResponseDto {
  @ApiProperty({ example: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1' })
  telemetry_id!: string;

  @ApiProperty({ type: FingerprintsResponse })
  fingerprints!: FingerprintsResponse;

  @ApiProperty({ type: VerdictResponse })
  verdict!: VerdictResponse;

  @ApiProperty({ type: ExternalMetadataDto })
  external_metadata!: ExternalMetadataDto;

  @ApiProperty({ description: 'When the telemetry was taken (RFC 3339, UTC).', example: '2026-11-30T07:15:00.000Z' })
  created_at!: string;

  @ApiProperty({
    description: 'When the telemetry_id stops answering (RFC 3339, UTC).',
    example: '2026-11-30T08:15:00.000Z',
  })
  expires_at!: string;
}
