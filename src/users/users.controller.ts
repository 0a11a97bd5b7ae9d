import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '../common/role';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { Client } from '../common/http/client-info';
import type { ClientInfo } from '../common/http/client-info';
import { UUID_PARAM } from '../common/http/uuid-param';
import { Auth } from '../auth/decorators/auth.decorator';
import type { AuthUser } from '../auth/decorators/auth-user';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { DeleteMeDto } from './dto/delete-me.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateMeDto } from './dto/update-me.dto';
import { UserPageDto } from './dto/user-page.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /**
   * Get my account.
   *
   * @remarks The caller's own account.
   */
  @Get('me')
  @Auth()
  @ApiOkResponse({ type: UserResponseDto })
  getMe(@CurrentUser() caller: AuthUser): Promise<UserResponseDto> {
    return this.users.getProfile(caller.id);
  }

  /**
   * Update my account.
   *
   * @remarks Changes the caller's display name.
   */
  @Patch('me')
  @Auth()
  @ApiProblems(400)
  @ApiOkResponse({ type: UserResponseDto })
  updateMe(@CurrentUser() caller: AuthUser, @Body() changes: UpdateMeDto): Promise<UserResponseDto> {
    return this.users.updateProfile(caller.id, changes);
  }

  /**
   * Delete my account.
   *
   * @remarks Deletes the caller's account after checking the password again; every session ends.
   */
  @Delete('me')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiProblems(400, 403, 409, 429, 503)
  @ApiNoContentResponse({ description: 'The account and every session of it are gone.' })
  deleteMe(@CurrentUser() caller: AuthUser, @Body() body: DeleteMeDto, @Client() client: ClientInfo): Promise<void> {
    return this.users.deleteOwnAccount(caller.id, caller.sessionId, body.password, { actorId: caller.id, client });
  }

  /**
   * List users.
   *
   * @remarks Lists users, newest first, optionally filtered by a search string.
   */
  @Get()
  @Auth(Role.Admin)
  @ApiProblems(400)
  @ApiOkResponse({ type: UserPageDto })
  listUsers(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    return this.users.list(query);
  }

  /**
   * Get a user.
   *
   * @remarks One user by id.
   */
  @Get(':id')
  @Auth(Role.Admin)
  @ApiProblems(400, 404)
  @ApiOkResponse({ type: UserResponseDto })
  getUser(@Param('id', UUID_PARAM) id: string): Promise<UserResponseDto> {
    return this.users.getUser(id);
  }

  /**
   * Update a user.
   *
   * @remarks Changes a user's display name, roles or disabled flag; a change of roles or disabling ends the user's
   * sessions.
   */
  @Patch(':id')
  @Auth(Role.Admin)
  @ApiProblems(400, 404, 409)
  @ApiOkResponse({ type: UserResponseDto })
  updateUser(
    @Param('id', UUID_PARAM) id: string,
    @Body() changes: AdminUpdateUserDto,
    @CurrentUser() caller: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<UserResponseDto> {
    return this.users.updateUser(id, changes, { actorId: caller.id, client });
  }

  /**
   * Delete a user.
   *
   * @remarks Deletes a user and every session of theirs.
   */
  @Delete(':id')
  @Auth(Role.Admin)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiProblems(400, 404, 409)
  @ApiNoContentResponse({ description: 'The user and every session of theirs are gone.' })
  deleteUser(
    @Param('id', UUID_PARAM) id: string,
    @CurrentUser() caller: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.users.deleteUser(id, { actorId: caller.id, client });
  }
}
