/* models.c — the Flasky models (see models.h).  Read each block like the
 * Flask-SQLAlchemy class it ports. */
#include "app/models.h"

#include <stddef.h>

/* class Role(db.Model): __tablename__ = 'roles' */
static const fl_column role_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_UNIQUE),
	FL_COLUMN_END,
};
static const fl_relationship role_relationships[] = {
	/* users = db.relationship('User', backref='role', order_by='User.username') */
	{ .name = "users", .target = &User, .backref = "role", .order_by = "username" },
	FL_RELATIONSHIP_END,
};
const fl_model Role = {
	.name = "Role", .tablename = "roles", .columns = role_columns,
	.relationships = role_relationships,
};

/* class Ident(db.Model): __tablename__ = 'idents' */
static const fl_column ident_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("address", 128, FL_UNIQUE),
	FL_COLUMN_END,
};
const fl_model Ident = {
	.name = "Ident", .tablename = "idents", .columns = ident_columns,
};

/* class User(db.Model): __tablename__ = 'users' */
static const fl_column user_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("username", 64, FL_UNIQUE, FL_INDEX),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id")),
	FL_COLUMN_INTEGER("ident_id", FL_FOREIGN_KEY("idents.id"), FL_UNIQUE),
	FL_COLUMN_STRING("password_hash", 256),
	FL_COLUMN_DATETIME("member_since", FL_DEFAULT_UTCNOW),  /* default=datetime.utcnow */
	FL_COLUMN_END,
};
static const fl_relationship user_relationships[] = {
	/* ident = db.relationship('Ident', backref=db.backref('user', uselist=False),
	 *                         uselist=False) */
	{ .name = "ident", .target = &Ident, .backref = "user", .uselist = FL_USELIST_FALSE,
	  .backref_uselist = FL_USELIST_FALSE },
	/* articles = db.relationship('Article', backref='user', lazy='dynamic',
	 *                            order_by='-Article.rdatetime') */
	{ .name = "articles", .target = &Article, .backref = "user", .lazy = FL_LAZY_DYNAMIC,
	  .order_by = "-rdatetime" },
	FL_RELATIONSHIP_END,
};
const fl_model User = {
	.name = "User", .tablename = "users", .columns = user_columns,
	.relationships = user_relationships,
};

/* class Article(db.Model): __tablename__ = 'articles' */
static const fl_column article_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 128, FL_NOT_NULL),
	FL_COLUMN_TEXT("body"),
	FL_COLUMN_INTEGER("user_id", FL_FOREIGN_KEY("users.id"), FL_NOT_NULL),
	FL_COLUMN_DATETIME("rdatetime", FL_DEFAULT_UTCNOW),  /* default=datetime.utcnow */
	FL_COLUMN_BOOLEAN("isdelete", FL_NOT_NULL, FL_DEFAULT("false"), FL_SERVER_DEFAULT("0")),
	FL_COLUMN_END,
};
const fl_model Article = {
	.name = "Article", .tablename = "articles", .columns = article_columns,
};

/* class Student(db.Model): __tablename__ = 'student' */
static const fl_column student_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY, FL_AUTOINCREMENT),
	FL_COLUMN_STRING("s_name", 32, FL_NOT_NULL, FL_UNIQUE),
	FL_COLUMN_INTEGER("s_age", FL_NOT_NULL, FL_DEFAULT("18"), FL_SERVER_DEFAULT("18")),
	FL_COLUMN_FLOAT("s_score", FL_NOT_NULL, FL_DEFAULT("0.0"), FL_SERVER_DEFAULT("0")),
	FL_COLUMN_END,
};
static const fl_relationship student_relationships[] = {
	/* courses = db.relationship('Course', secondary='student_course',
	 *                           backref='students', order_by='Course.id') */
	{ .name = "courses", .target = &Course, .secondary = &StudentCourse,
	  .backref = "students", .order_by = "id" },
	FL_RELATIONSHIP_END,
};
const fl_model Student = {
	.name = "Student", .tablename = "student", .columns = student_columns,
	.relationships = student_relationships,
};

/* class Course(db.Model): __tablename__ = 'course' */
static const fl_column course_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("cname", 64, FL_NOT_NULL, FL_UNIQUE),
	FL_COLUMN_INTEGER("score", FL_NOT_NULL, FL_DEFAULT("5"), FL_SERVER_DEFAULT("5")),
	FL_COLUMN_END,
};
const fl_model Course = {
	.name = "Course", .tablename = "course", .columns = course_columns,
};

/* student_course = db.Table(...): the association table, with its own id
 * and one row per (student, course) pair. */
static const fl_column student_course_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_INTEGER("stu_id", FL_FOREIGN_KEY("student.id"), FL_NOT_NULL, FL_ONDELETE("CASCADE")),
	FL_COLUMN_INTEGER("cou_id", FL_FOREIGN_KEY("course.id"), FL_NOT_NULL, FL_ONDELETE("CASCADE")),
	FL_COLUMN_END,
};
static const fl_unique student_course_unique[] = {
	{ .name = "uq_student_course", .columns = { "stu_id", "cou_id", NULL } },
	FL_UNIQUE_END,
};
const fl_model StudentCourse = {
	.name = "StudentCourse", .tablename = "student_course", .columns = student_course_columns,
	.unique_constraints = student_course_unique,
};

/* class Animal(db.Model): __abstract__ = True — one column list, two tables. */
static const fl_column animal_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_NOT_NULL),
	FL_COLUMN_INTEGER("age", FL_NOT_NULL, FL_DEFAULT("0"), FL_SERVER_DEFAULT("0")),
	FL_COLUMN_END,
};
const fl_model Dog = { .name = "Dog", .tablename = "dog", .columns = animal_columns };
const fl_model Cat = { .name = "Cat", .tablename = "cat", .columns = animal_columns };

const fl_model *const flasky_models[] = {
	&Role, &Ident, &User, &Article, &Student, &Course, &StudentCourse,
	&Dog, &Cat, NULL,
};
