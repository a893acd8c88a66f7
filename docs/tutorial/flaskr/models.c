/* models.c — flaskr's models: Flask's schema.sql, declared once in C.
 *
 *     CREATE TABLE user (
 *       id INTEGER PRIMARY KEY AUTOINCREMENT,
 *       username TEXT UNIQUE NOT NULL,
 *       password TEXT NOT NULL
 *     );
 *     CREATE TABLE post (
 *       id INTEGER PRIMARY KEY AUTOINCREMENT,
 *       author_id INTEGER NOT NULL,
 *       created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
 *       title TEXT NOT NULL,
 *       body TEXT NOT NULL,
 *       FOREIGN KEY (author_id) REFERENCES user (id)
 *     );
 *
 * plus post.image, the uploaded picture's file name (migration 2). */
#include "flaskr/flaskr.h"

static const fl_column user_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY, FL_AUTOINCREMENT),
	FL_COLUMN_TEXT("username", FL_UNIQUE, FL_NOT_NULL),
	FL_COLUMN_TEXT("password", FL_NOT_NULL),
	FL_COLUMN_END,
};

static const fl_relationship user_relationships[] = {
	{ .name = "posts", .target = &Post, .backref = "author", .order_by = "-created" },
	FL_RELATIONSHIP_END,
};

const fl_model User = {
	.name = "User", .tablename = "user", .columns = user_columns,
	.relationships = user_relationships,
};

static const fl_column post_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY, FL_AUTOINCREMENT),
	FL_COLUMN_INTEGER("author_id", FL_NOT_NULL, FL_FOREIGN_KEY("user.id")),
	FL_COLUMN_DATETIME("created", FL_NOT_NULL, FL_SERVER_DEFAULT("CURRENT_TIMESTAMP")),
	FL_COLUMN_TEXT("title", FL_NOT_NULL),
	FL_COLUMN_TEXT("body", FL_NOT_NULL),
	FL_COLUMN_STRING("image", 255),
	FL_COLUMN_END,
};

const fl_model Post = {
	.name = "Post", .tablename = "post", .columns = post_columns,
};

const fl_model *const flaskr_models[] = { &User, &Post, NULL };
