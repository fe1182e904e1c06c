package dev.sendout.api.problem;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * An answer is {@code application/json} and only a problem is {@code application/problem+json},
 * whatever the Accept header prefers: Jackson writes both, so a caller accepting only problems
 * ({@link NegotiationFirst} lets it) had its sendout labelled a problem. The Content-Type set here
 * is the one the converter keeps.
 */
@ControllerAdvice
class AnswersAreJson implements ResponseBodyAdvice<Object> {

  @Override
  public boolean supports(
      MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public Object beforeBodyWrite(
      Object body,
      MethodParameter returnType,
      MediaType selectedContentType,
      Class<? extends HttpMessageConverter<?>> selectedConverterType,
      ServerHttpRequest request,
      ServerHttpResponse response) {
    if (!(body instanceof ProblemDetail)
        && MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(selectedContentType)) {
      response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    }
    return body;
  }
}
