import { Body, Controller, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { ProblemDto } from '../common/problem.dto';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { AuthService } from './auth.service';
import { clientInfo } from './client-info';
import { Auth } from './decorators/auth.decorator';
import type { AuthUser } from './decorators/auth-user';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './dto/token-response.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates an account with the role `user`. */
  @Post('register')
  @Public()
  @ApiProblems(400, 409)
  @ApiCreatedResponse({ type: UserResponseDto })
  register(@Body() details: RegisterDto): Promise<UserResponseDto> {
    return this.auth.register(details);
  }

  /** Exchanges an email and password for an access token and a refresh token, starting a session. */
  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400, 429)
  @ApiUnauthorizedResponse({
    description: 'The email or password is wrong, or the account is disabled.',
    type: ProblemDto,
  })
  @ApiOkResponse({ type: TokenResponseDto })
  login(@Body() credentials: LoginDto, @Req() request: FastifyRequest): Promise<TokenResponseDto> {
    return this.auth.login(credentials, clientInfo(request));
  }

  /** Exchanges a refresh token for new tokens; the one presented stops working. */
  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400)
  @ApiUnauthorizedResponse({
    description: 'The refresh token is unknown, expired, retired or revoked.',
    type: ProblemDto,
  })
  @ApiOkResponse({ type: TokenResponseDto })
  refresh(@Body() body: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the caller's session: its refresh token stops working. */
  @Post('logout')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The session has ended.' })
  logout(@CurrentUser() caller: AuthUser): Promise<void> {
    return this.auth.logout(caller.sessionId);
  }
}
